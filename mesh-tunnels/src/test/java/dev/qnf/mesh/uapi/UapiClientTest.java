package dev.qnf.mesh.uapi;

import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.qnf.mesh.Fixtures.key;
import static dev.qnf.mesh.Fixtures.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UapiClientTest {
    @TempDir
    Path dir;

    @Test
    void getSendsGetAndParsesTheAnswer() throws IOException {
        Path sock = dir.resolve("wg0.sock");
        try (FakeUapiServer server = new FakeUapiServer(sock, r ->
                "listen_port=51820\npublic_key=" + "01".repeat(32) + "\nrx_bytes=9\nerrno=0\n\n")) {
            DeviceStatus s = new UapiClient(sock, Duration.ofSeconds(5)).get();
            assertThat(server.requests).containsExactly("get=1\n\n");
            assertThat(s.listenPort()).isEqualTo(51820);
            assertThat(s.peer(key(1))).get().extracting(p -> p.rxBytes()).isEqualTo(9L);
        }
    }

    @Test
    void setSendsTheUpdateAndAcceptsErrnoZero() throws IOException {
        Path sock = dir.resolve("wg0.sock");
        try (FakeUapiServer server = new FakeUapiServer(sock, r -> "errno=0\n\n")) {
            DeviceUpdate u = DeviceUpdate.peersOnly(List.of(new DeviceUpdate.Remove(key(2))));
            new UapiClient(sock, Duration.ofSeconds(5)).set(u);
            assertThat(server.requests).containsExactly(UapiCodec.encodeSet(u));
        }
    }

    @Test
    void anEmptyUpdateSendsNothing() throws IOException {
        Path sock = dir.resolve("wg0.sock");
        try (FakeUapiServer server = new FakeUapiServer(sock, r -> "errno=0\n\n")) {
            new UapiClient(sock, Duration.ofSeconds(5)).set(DeviceUpdate.peersOnly(List.of()));
            assertThat(server.requests).isEmpty();
        }
    }

    @Test
    void aRefusedSetCarriesTheErrno() throws IOException {
        Path sock = dir.resolve("wg0.sock");
        try (FakeUapiServer server = new FakeUapiServer(sock, r -> "errno=22\n\n")) {
            DeviceUpdate u = DeviceUpdate.peersOnly(List.of(
                    new DeviceUpdate.Upsert(peer(1, "192.0.2.1:1", "10.0.0.0/24"), true, true)));
            assertThatThrownBy(() -> new UapiClient(sock, Duration.ofSeconds(5)).set(u))
                    .isInstanceOfSatisfying(UapiException.class, e -> assertThat(e.errno()).isEqualTo(22))
                    .hasMessageContaining("errno 22");
        }
    }

    @Test
    void aDaemonThatHangsUpOrIsAbsentIsAnError() throws IOException {
        Path sock = dir.resolve("wg0.sock");
        try (FakeUapiServer server = new FakeUapiServer(sock, r -> null)) {
            assertThatThrownBy(() -> new UapiClient(sock, Duration.ofSeconds(5)).get())
                    .isInstanceOfSatisfying(UapiException.class, e -> assertThat(e.errno()).isEqualTo(-1))
                    .hasMessageContaining("closed before the answer ended");
        }
        assertThatThrownBy(() -> new UapiClient(dir.resolve("none.sock"), Duration.ofSeconds(1)).get())
                .isInstanceOf(UapiException.class).hasMessageContaining("none.sock");
    }
}
