package dev.qnf.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class CniClientTest {
    @TempDir
    Path dir;

    @Test
    void versionIsAnsweredLocally() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CniClient.run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}".getBytes(),
                new PrintStream(out));
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("{\"cniVersion\":\"1.0.0\",\"supportedVersions\":" + CniClient.SUPPORTED + "}");
    }

    @Test
    void unreachableAgentIsTryAgainLater() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CniClient.run(Map.of("CNI_COMMAND", "ADD", "QNF_AGENT_SOCKET", dir.resolve("none.sock").toString()),
                "{\"cniVersion\":\"1.1.0\"}".getBytes(), new PrintStream(out));
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).startsWith("{\"cniVersion\":\"1.1.0\",\"code\":11,\"msg\":\"qnf agent is not reachable");
    }

    @Test
    void forwardsTheCallAndRelaysTheAnswer() throws Exception {
        Path sock = dir.resolve("agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel ch = server.accept()) {
                    String request = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
                    ch.write(ByteBuffer.wrap("0\n{\"cniVersion\":\"1.1.0\",\"ips\":[]}".getBytes()));
                    return request;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String stdin = "{\"cniVersion\":\"1.1.0\",\"name\":\"blue\",\"note\":\"quote \\\" and\\nnewline\"}";
            int code = CniClient.run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "abc", "CNI_NETNS", "/var/run/netns/x",
                    "CNI_IFNAME", "eth0", "QNF_AGENT_SOCKET", sock.toString()), stdin.getBytes(), new PrintStream(out));
            assertThat(code).isZero();
            assertThat(out.toString()).isEqualTo("{\"cniVersion\":\"1.1.0\",\"ips\":[]}");
            String request = received.get();
            assertThat(request).contains("\"command\":\"ADD\"", "\"containerId\":\"abc\"", "\"ifName\":\"eth0\"",
                    "\"args\":null", "\"stdin\":\"" + CniClient.escape(stdin) + "\"");
        }
    }
}
