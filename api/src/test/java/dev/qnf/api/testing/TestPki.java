package dev.qnf.api.testing;

import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.api.server.ServerConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A cluster CA in a temp dir and identities from it in one line each, so a test starts an mTLS server and its
 * clients as easily as plaintext ones:
 * <pre>{@code
 * TestPki pki = TestPki.create(tempDir);
 * QnfServer server = QnfServer.start(pki.secure(config), backends);
 * QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl());
 * }</pre>
 */
public final class TestPki {
    public static final String TRUST_DOMAIN = "test.qnf";
    private final Path dir;
    private final ClusterPki pki;

    private TestPki(Path dir, ClusterPki pki) {
        this.dir = dir;
        this.pki = pki;
    }

    public static TestPki create(Path dir) {
        return new TestPki(dir, ClusterPki.create(dir.resolve("ca"), TRUST_DOMAIN));
    }

    public ClusterPki pki() {
        return pki;
    }

    /** The config with a server identity for its id (SANs 127.0.0.1 and localhost). */
    public ServerConfig secure(ServerConfig config) {
        return config.withTls(server(config.id()));
    }

    public TlsFiles server(String id) {
        return pki.issueServer(id, dir.resolve("server-" + id), List.of("127.0.0.1", "localhost"));
    }

    public TlsFiles admin() {
        return user("admin", Role.ADMIN);
    }

    public TlsFiles user(String name, Role role) {
        return pki.issueUser(name, role, dir.resolve("user-" + name + "-" + role.label()));
    }

    public TlsFiles node(String name) {
        return pki.issueNode(name, dir.resolve("node-" + name));
    }
}
