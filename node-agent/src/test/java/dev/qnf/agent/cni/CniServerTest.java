package dev.qnf.agent.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The socket itself: wire format, permissions, one agent per socket, stale sockets. */
class CniServerTest {
    @TempDir
    Path dir;

    static String call(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void answersExitCodeNewlineStdoutOnARootOnlySocket() throws Exception {
        Path socket = dir.resolve("run/qnf/agent.sock");
        try (CniServer server = new CniServer(socket, req -> new CniResponse(0,
                ("got " + new String(req, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)), 2, Duration.ofSeconds(5))) {
            server.start();
            assertThat(call(socket, "{\"command\":\"VERSION\"}")).isEqualTo("0\ngot {\"command\":\"VERSION\"}");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");

            CniServer second = new CniServer(socket, req -> CniResponse.EMPTY, 1, Duration.ofSeconds(5));
            assertThatThrownBy(second::start).hasMessageContaining("another agent");
            second.close();
            assertThat(socket).as("the refused second server leaves the first one's socket").exists();
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void replacesAStaleSocket() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Files.createFile(socket);
        try (CniServer server = new CniServer(socket, req -> new CniResponse(1, "{}".getBytes()), 1, Duration.ofSeconds(5))) {
            server.start();
            assertThat(call(socket, "x")).isEqualTo("1\n{}");
        }
    }

    @Test
    void aPluginThatNeverFinishesItsRequestIsCutOff() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (CniServer server = new CniServer(socket, req -> CniResponse.EMPTY, 1, Duration.ofMillis(300));
             SocketChannel stuck = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.start();
            stuck.connect(UnixDomainSocketAddress.of(socket));
            stuck.write(ByteBuffer.wrap("{\"command\":".getBytes()));
            assertThat(Channels.newInputStream(stuck).read()).as("closed by the watchdog").isEqualTo(-1);
            assertThat(call(socket, "{}")).isEqualTo("0\n");
        }
    }
}
