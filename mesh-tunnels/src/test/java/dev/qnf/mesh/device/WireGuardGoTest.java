package dev.qnf.mesh.device;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.mesh.PeerDiff;
import dev.qnf.mesh.PeerStatus;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two namespaces joined by a veth, a real wireguard-go in each, programmed only through {@link UserspaceDevice}
 * (UAPI): a ping through the tunnel completes a handshake, and peer changes that do not concern that peer leave its
 * session (handshake time, counters) alone. Namespaces and daemons are removed after each test, pass or fail.
 */
@Tag("root")
class WireGuardGoTest {
    private final String tag = Long.toString(ProcessHandle.current().pid() % 100000);
    private final String ns1 = "qwg1-" + tag;
    private final String ns2 = "qwg2-" + tag;
    private final String if1 = "qwa" + tag;
    private final String if2 = "qwb" + tag;
    private final List<WireGuardGo> daemons = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Assumptions.assumeTrue(WireGuardGo.installed(), "needs wireguard-go");
        Sh.run("ip", "netns", "add", ns1);
        Sh.run("ip", "netns", "add", ns2);
        Sh.run("ip", "link", "add", "qv1-" + tag, "netns", ns1, "type", "veth", "peer", "qv2-" + tag, "netns", ns2);
        Sh.inNs(ns1, "ip", "addr", "add", "192.0.2.1/24", "dev", "qv1-" + tag);
        Sh.inNs(ns2, "ip", "addr", "add", "192.0.2.2/24", "dev", "qv2-" + tag);
        for (String[] l : new String[][]{{ns1, "qv1-" + tag}, {ns2, "qv2-" + tag}}) {
            Sh.inNs(l[0], "ip", "link", "set", l[1], "up");
            Sh.inNs(l[0], "ip", "link", "set", "lo", "up");
        }
    }

    @AfterEach
    void cleanUp() {
        daemons.forEach(WireGuardGo::stop);
        Sh.quietly("ip", "netns", "del", ns1);
        Sh.quietly("ip", "netns", "del", ns2);
    }

    private UserspaceDevice start(String ns, String ifname, String tunnelAddress) throws Exception {
        WireGuardGo d = new WireGuardGo(ifname, Path.of("/run/netns", ns), dir.resolve(ifname + ".log"), Duration.ofSeconds(20));
        daemons.add(d);
        UserspaceDevice dev = d.ensureRunning();
        Sh.inNs(ns, "ip", "addr", "add", tunnelAddress, "dev", ifname);
        Sh.inNs(ns, "ip", "link", "set", ifname, "up");
        return dev;
    }

    @Test
    void incrementalChangesKeepOtherPeersSessions() throws Exception {
        UserspaceDevice a = start(ns1, if1, "10.99.0.1/24");
        UserspaceDevice b = start(ns2, if2, "10.99.0.2/24");
        WgKey ka = X25519.generatePrivate();
        WgKey kb = X25519.generatePrivate();
        PeerConfig bAsSeenByA = new PeerConfig(X25519.publicOf(kb), UdpEndpoint.parse("192.0.2.2:51902"),
                List.of(Cidr.parse("10.99.0.2/32")), 0);
        PeerConfig aAsSeenByB = new PeerConfig(X25519.publicOf(ka), UdpEndpoint.parse("192.0.2.1:51901"),
                List.of(Cidr.parse("10.99.0.1/32")), 0);
        a.apply(new DeviceUpdate(ka, 51901, PeerDiff.between(List.of(bAsSeenByA), a.status().peers())));
        b.apply(new DeviceUpdate(kb, 51902, PeerDiff.between(List.of(aAsSeenByB), b.status().peers())));

        DeviceStatus sa = a.status();
        assertThat(sa.publicKey()).isEqualTo(X25519.publicOf(ka));
        assertThat(sa.listenPort()).isEqualTo(51901);
        assertThat(sa.peers()).extracting(PeerStatus::publicKey).containsExactly(bAsSeenByA.publicKey());
        // `wg` reads the same device through the same socket: a cross-check of our encoding
        assertThat(Sh.run("wg", "show", if1, "allowed-ips")).contains("10.99.0.2/32");

        Sh.inNs(ns1, "ping", "-c", "2", "-W", "5", "10.99.0.2");
        PeerStatus before = a.status().peer(bAsSeenByA.publicKey()).orElseThrow();
        assertThat(before.lastHandshake()).isNotNull();
        assertThat(before.rxBytes()).isPositive();

        // add and then remove a third peer; both are diffs that name only that peer
        PeerConfig third = new PeerConfig(X25519.publicOf(X25519.generatePrivate()), UdpEndpoint.parse("192.0.2.3:51903"),
                List.of(Cidr.parse("10.99.0.3/32")), 25);
        List<DeviceUpdate.PeerChange> add = PeerDiff.between(List.of(bAsSeenByA, third), a.status().peers());
        assertThat(add).extracting(DeviceUpdate.PeerChange::publicKey).containsExactly(third.publicKey());
        a.apply(DeviceUpdate.peersOnly(add));
        assertThat(a.status().peers()).hasSize(2);
        a.apply(DeviceUpdate.peersOnly(PeerDiff.between(List.of(bAsSeenByA), a.status().peers())));

        PeerStatus after = a.status().peer(bAsSeenByA.publicKey()).orElseThrow();
        assertThat(after.lastHandshake()).isEqualTo(before.lastHandshake());
        assertThat(after.rxBytes()).isGreaterThanOrEqualTo(before.rxBytes());
        assertThat(after.endpoint()).isEqualTo(bAsSeenByA.endpoint());
        assertThat(a.status().peers()).hasSize(1);
        // the session is still there: traffic flows without a new handshake
        Sh.inNs(ns1, "ping", "-c", "1", "-W", "5", "10.99.0.2");
        assertThat(a.status().peer(bAsSeenByA.publicKey()).orElseThrow().lastHandshake())
                .isEqualTo(before.lastHandshake());
    }

    @Test
    void aRunningDaemonIsAdoptedAndStopRemovesTheInterface() throws Exception {
        UserspaceDevice first = start(ns1, if1, "10.99.0.1/24");
        first.apply(new DeviceUpdate(X25519.generatePrivate(), 51901, List.of()));
        WireGuardGo again = new WireGuardGo(if1, Path.of("/run/netns", ns1), dir.resolve("again.log"), Duration.ofSeconds(20));
        assertThat(again.ensureRunning().status().listenPort()).isEqualTo(51901);
        again.stop(); // adopted: not ours to stop
        assertThat(Sh.inNs(ns1, "ip", "-o", "link")).contains(if1);

        daemons.get(0).stop();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Sh.inNs(ns1, "ip", "-o", "link")).doesNotContain(if1));
        assertThat(Files.exists(Path.of("/var/run/wireguard", if1 + ".sock"))).isFalse();
    }
}
