/**
 * The cluster's public-key infrastructure: a cluster CA (EC P-256), leaf certificates carrying SPIFFE IDs
 * ({@code spiffe://<cluster>/server/<id>}, {@code /node/<name>}, {@code /user/<name>}), PEM files on disk, and the
 * TLS plumbing (key and trust managers that check SPIFFE identities instead of host names) that the server, the
 * REST client, the agent and the CLI share. See docs/security.md.
 */
package dev.qnf.api.pki;
