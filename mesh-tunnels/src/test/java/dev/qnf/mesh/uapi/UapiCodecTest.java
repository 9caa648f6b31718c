package dev.qnf.mesh.uapi;

import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.mesh.PeerStatus;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.qnf.mesh.Fixtures.cidrs;
import static dev.qnf.mesh.Fixtures.key;
import static dev.qnf.mesh.Fixtures.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UapiCodecTest {

    @Test
    void encodesAnIncrementalSetWithoutReplacePeers() {
        WgKey priv = key(7);
        PeerConfig added = new PeerConfig(key(1), UdpEndpoint.parse("[2001:db8::1]:51820"),
                cidrs("10.1.0.0/24", "fd00:1::/64"), 25);
        PeerConfig learned = peer(3, null, "10.3.0.0/24");
        String text = UapiCodec.encodeSet(new DeviceUpdate(priv, 51820, List.of(
                new DeviceUpdate.Remove(key(2)),
                new DeviceUpdate.Upsert(added, true, true),
                new DeviceUpdate.Upsert(learned, false, false))));
        assertThat(text).isEqualTo("set=1\n"
                + "private_key=" + "07".repeat(32) + "\n"
                + "listen_port=51820\n"
                + "public_key=" + "02".repeat(32) + "\n"
                + "remove=true\n"
                + "public_key=" + "01".repeat(32) + "\n"
                + "endpoint=[2001:db8::1]:51820\n"
                + "persistent_keepalive_interval=25\n"
                + "replace_allowed_ips=true\n"
                + "allowed_ip=10.1.0.0/24\n"
                + "allowed_ip=fd00:1::/64\n"
                + "public_key=" + "03".repeat(32) + "\n"
                + "persistent_keepalive_interval=0\n"
                + "\n");
        assertThat(text).doesNotContain("replace_peers");
    }

    @Test
    void decodesAGetAnswer() throws UapiException {
        WgKey priv = X25519.generatePrivate();
        DeviceStatus s = UapiCodec.decodeGet(List.of(
                "private_key=" + priv.hex(),
                "listen_port=51820",
                "public_key=" + "01".repeat(32),
                "endpoint=192.0.2.1:51821",
                "last_handshake_time_sec=1700000000",
                "last_handshake_time_nsec=5",
                "tx_bytes=100",
                "rx_bytes=200",
                "persistent_keepalive_interval=25",
                "allowed_ip=10.1.0.0/24",
                "allowed_ip=fd00:1::/64",
                "protocol_version=1",
                "public_key=" + "02".repeat(32),
                "last_handshake_time_sec=0",
                "last_handshake_time_nsec=0",
                "errno=0"));
        assertThat(s.publicKey()).isEqualTo(X25519.publicOf(priv));
        assertThat(s.listenPort()).isEqualTo(51820);
        assertThat(s.peers()).containsExactly(
                new PeerStatus(key(1), UdpEndpoint.parse("192.0.2.1:51821"), cidrs("10.1.0.0/24", "fd00:1::/64"), 25,
                        Instant.ofEpochSecond(1700000000, 5), 200, 100),
                new PeerStatus(key(2), null, List.of(), 0, null, 0, 0));
    }

    @Test
    void aDeviceWithoutAKeyHasNoPublicKey() throws UapiException {
        assertThat(UapiCodec.decodeGet(List.of("listen_port=0", "errno=0")).publicKey()).isNull();
    }

    @Test
    void errorsCarryTheErrno() {
        assertThatThrownBy(() -> UapiCodec.decodeGet(List.of("errno=22")))
                .isInstanceOfSatisfying(UapiException.class, e -> assertThat(e.errno()).isEqualTo(22));
        assertThatThrownBy(() -> UapiCodec.decodeGet(List.of("listen_port=1")))
                .hasMessageContaining("without errno");
        assertThatThrownBy(() -> UapiCodec.decodeGet(List.of("public_key=zz", "errno=0")))
                .hasMessageContaining("malformed");
    }
}
