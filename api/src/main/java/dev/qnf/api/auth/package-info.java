/**
 * The authentication and authorization seam. A REST decorator and a gRPC interceptor run the same
 * {@link dev.qnf.api.auth.AccessControl} before any handler and leave the {@link dev.qnf.api.auth.Caller} in the
 * request context; today it allows everyone. mTLS identities and RBAC plug in here without touching handlers.
 */
package dev.qnf.api.auth;
