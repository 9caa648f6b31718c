package dev.qnf.api.testing;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@link SecureCluster} of three servers for all the tests of a class: a fresh directory and {@link TestPki},
 * the cluster started and ready (an admin client of all servers sees {@code /readyz} ready) before the first test,
 * everything closed and deleted after the last:
 * <pre>{@code
 * @RegisterExtension
 * static final SecureClusterExtension cluster = SecureClusterExtension.ready();
 *
 * @Test
 * void something() {
 *     cluster.admin().createToken(...);
 *     QnfClient node = QnfClient.connect(cluster.pki().node("n1"), cluster.urls());
 * }
 * }</pre>
 * A class that needs one cluster per test, or a cluster in a state of its own, uses {@link SecureCluster} directly.
 */
public final class SecureClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int SERVERS = 3;

    /** Adjusts each server's config before it starts; gets the extension for its directory and PKI. */
    @FunctionalInterface
    public interface Customizer {
        ServerConfig apply(SecureClusterExtension cluster, ServerConfig config);
    }

    private final Customizer customize;
    private Path dir;
    private TestPki pki;
    private SecureCluster cluster;

    private SecureClusterExtension(Customizer customize) {
        this.customize = customize;
    }

    /** Three servers as {@link SecureCluster} makes them. */
    public static SecureClusterExtension ready() {
        return ready((cluster, config) -> config);
    }

    /** Three servers, each config adjusted by {@code customize} (a join port, a copy of the CA, ...). */
    public static SecureClusterExtension ready(Customizer customize) {
        return new SecureClusterExtension(customize);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        dir = TempDirs.create("qnf-secure-cluster-");
        pki = TestPki.create(dir);
        cluster = SecureCluster.startReady(pki, dir, SERVERS, c -> customize.apply(this, c));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (dir != null) {
                TempDirs.delete(dir);
            }
        }
    }

    /** The directory that holds the PKI and the servers' data; tests may keep their own files in it too. */
    public Path dir() {
        return dir;
    }

    public TestPki pki() {
        return pki;
    }

    /** An admin client of all servers (closed with the cluster). */
    public QnfClient admin() {
        return cluster.admin();
    }

    /** The running servers, in order (a restarted one in its place). */
    public List<QnfServer> servers() {
        return cluster.servers();
    }

    /** The servers' API URLs, in order. */
    public String[] urls() {
        return cluster.urls();
    }

    /** {@link SecureCluster#restart}. */
    public QnfServer restart(int index) {
        return cluster.restart(index);
    }

    /** A copy of the cluster CA (key included) in the server's own directory, for a config that signs. */
    public Path caCopy(ServerConfig config) {
        return pki.pki().copyTo(dir.resolve(config.id() + "-ca")).dir();
    }
}
