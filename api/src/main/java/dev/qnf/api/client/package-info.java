/**
 * The Java client of the QNF REST API, for the CLI and agents. Uses only {@code java.net.http} and Jackson (no
 * Armeria, gRPC or consensus classes), and fails over across the servers it is given.
 */
package dev.qnf.api.client;
