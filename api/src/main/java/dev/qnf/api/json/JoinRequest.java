package dev.qnf.api.json;

/**
 * {@code POST /v1/join}: a join token, the name to be known by (node or server id), a PEM PKCS#10 request, the
 * role the joiner asks for ({@code node} or {@code server}; absent: whatever the token is for) and, optionally, the
 * site a joining node says it is in. A token of another role or bound to another site is refused and not spent.
 */
public record JoinRequest(String token, String name, String csr, String role, String site) {
    public JoinRequest(String token, String name, String csr) {
        this(token, name, csr, null, null);
    }

    public JoinRequest(String token, String name, String csr, String role) {
        this(token, name, csr, role, null);
    }
}
