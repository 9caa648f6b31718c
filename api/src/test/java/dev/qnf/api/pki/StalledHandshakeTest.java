package dev.qnf.api.pki;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.server.QnfServer;
import dev.qnf.api.server.ServerConfig;
import dev.qnf.api.testing.InMemoryFabric;
import dev.qnf.api.testing.ServerConfigs;
import dev.qnf.api.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that open TCP and never finish the TLS handshake (silent, or stopping halfway through a ClientHello) do
 * not delay anyone else, and the server closes their connections.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StalledHandshakeTest {
    @TempDir
    Path dir;

    @Test
    void stalledHandshakesDoNotDelayOtherClients() throws Exception {
        TestPki pki = TestPki.create(dir);
        ServerConfig config = ServerConfigs.alone("s1", dir.resolve("data"));
        List<Socket> stalled = new ArrayList<>();
        try (QnfServer server = QnfServer.start(pki.secure(config),
                (c, m) -> new InMemoryFabric(c.id(), c.raftAddress()));
             QnfClient admin = QnfClient.connect(pki.admin(), server.apiUrl())) {
            admin.listNetworks();   // warm up
            URI uri = URI.create(server.apiUrl());
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
                if (i % 2 == 1) {
                    // the first bytes of a TLS record header announcing a ClientHello, then silence
                    s.getOutputStream().write(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
                    s.getOutputStream().flush();
                }
                stalled.add(s);
            }

            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                try (QnfClient fresh = QnfClient.connect(pki.admin(), server.apiUrl())) {
                    fresh.listNetworks();   // a new connection and handshake each time
                }
                // A client held up behind the stalled handshakes would wait out the server's TLS handshake
                // timeout (10 s); 5 s leaves a loaded machine room for a fresh client's own key loading and handshake.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("request %d", i)
                        .isLessThan(Duration.ofSeconds(5));
            }

            // and the server does not keep the stalled connections forever
            for (Socket s : stalled) {
                assertThat(closedByPeerWithin(s, Duration.ofSeconds(60))).as("stalled connection closed").isTrue();
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    private static boolean closedByPeerWithin(Socket s, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        InputStream in = s.getInputStream();
        while (System.nanoTime() < end) {
            s.setSoTimeout(1000);
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (java.io.IOException reset) {
                return true;
            }
        }
        return false;
    }
}
