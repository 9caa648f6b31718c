/**
 * The application service: the one place that turns validated input into fabric-state commands and their replies
 * into results. The REST and gRPC surfaces are thin translations onto it, so they have the same semantics.
 */
package dev.qnf.api.service;
