package dev.qnf.api.json;

/**
 * {@code POST /v1/join}: a join token, the name to be known by (node or server id), a PEM PKCS#10 request and the
 * role the joiner asks for ({@code node} or {@code server}; absent: whatever the token is for). A token of another
 * role is refused and not spent.
 */
public record JoinRequest(String token, String name, String csr, String role) {
    public JoinRequest(String token, String name, String csr) {
        this(token, name, csr, null);
    }
}
