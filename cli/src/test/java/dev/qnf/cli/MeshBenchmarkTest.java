package dev.qnf.cli;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.mesh.PeerDiff;
import dev.qnf.mesh.device.UserspaceDevice;
import dev.qnf.mesh.device.WireGuardGo;
import dev.qnf.mesh.key.X25519;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.qnf.cli.SimulatedMesh.quietly;
import static dev.qnf.cli.SimulatedMesh.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mesh benchmark of docs/benchmarks.md: iperf3 and ping between two containers on two simulated hosts, through
 * the mesh and, in the same run, over a plain veth/bridge path between the same two namespaces; and the time to apply
 * one peer change on a device with 1,000 peers. Runs only with {@code -Dqnf.bench=true} (not in CI).
 */
@Tag("root")
class MeshBenchmarkTest {

    @Test
    void meshVersusPlainBridge(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("qnf.bench"), "benchmark: run with -Dqnf.bench=true");
        Assumptions.assumeTrue(SimulatedMesh.missing() == null, SimulatedMesh.missing());
        try (SimulatedMesh lab = new SimulatedMesh(dir, ProcessHandle.current().pid() + "b", "172.31.215.").start()) {
            SimulatedMesh.Host x = lab.host("x1", "ul", "172.31.215.1", null);
            SimulatedMesh.Host y = lab.host("y1", "ul", "172.31.215.2", null);
            lab.container(x);
            lab.container(y);
            await().atMost(Duration.ofSeconds(60)).until(() -> x.ping(y));
            // the plain path: a second interface in both containers on a bridge of the underlay, MTU as the mesh's
            lab.segment("plain");
            plain(lab, x, "192.168.250.1");
            plain(lab, y, "192.168.250.2");
            x.inContainer("ping", "-c", "1", "-W", "2", "192.168.250.2");

            String serverNs = "qnf-demo-" + y.container();
            Process server = new ProcessBuilder("ip", "netns", "exec", serverNs, "iperf3", "-s").start();
            try {
                Thread.sleep(500);
                double meshGbps = iperf(x, y.containerIp);
                double plainGbps = iperf(x, "192.168.250.2");
                double meshRtt = rtt(x, y.containerIp);
                double plainRtt = rtt(x, "192.168.250.2");
                System.out.printf("mesh %.3f Gbit/s rtt %.3f ms | plain %.3f Gbit/s rtt %.3f ms | throughput ratio"
                        + " %.2f, latency ratio %.2f%n", meshGbps, meshRtt, plainGbps, plainRtt, meshGbps / plainGbps,
                        meshRtt / plainRtt);
                assertThat(meshGbps).isPositive();
            } finally {
                server.destroy();
            }
        }
    }

    private static void plain(SimulatedMesh lab, SimulatedMesh.Host h, String address) {
        String ns = "qnf-demo-" + h.container();
        String outer = "p" + Integer.toHexString(ns.hashCode());
        sh("ip", "link", "add", "plain0", "netns", ns, "type", "veth", "peer", "name", outer, "netns", lab.underlay);
        sh("ip", "-n", lab.underlay, "link", "set", outer, "master", "plain", "mtu", "1420", "up");
        sh("ip", "-n", ns, "link", "set", "plain0", "mtu", "1420", "up");
        sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", "plain0");
    }

    private static double iperf(SimulatedMesh.Host client, String server) {
        String out = client.inContainer("iperf3", "-c", server, "-t", "5", "-f", "g");
        Matcher m = Pattern.compile("([0-9.]+) Gbits/sec.*receiver").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double rtt(SimulatedMesh.Host client, String server) {
        String out = client.inContainer("ping", "-c", "50", "-i", "0.02", "-q", server);
        Matcher m = Pattern.compile("= [0-9.]+/([0-9.]+)/").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void onePeerChangeOnADeviceWithAThousandPeers(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("qnf.bench"), "benchmark: run with -Dqnf.bench=true");
        Assumptions.assumeTrue(SimulatedMesh.missing() == null, SimulatedMesh.missing());
        String ns = "qmbench" + ProcessHandle.current().pid();
        String ifname = "qwgb" + ProcessHandle.current().pid();
        sh("ip", "netns", "add", ns);
        WireGuardGo daemon = new WireGuardGo(ifname, Path.of("/run/netns", ns), dir.resolve("wg.log"), Duration.ofSeconds(20));
        try {
            UserspaceDevice dev = daemon.ensureRunning();
            dev.apply(new DeviceUpdate(X25519.generatePrivate(), 51999, List.of()));
            List<PeerConfig> wanted = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                wanted.add(new PeerConfig(X25519.publicOf(X25519.generatePrivate()),
                        UdpEndpoint.parse("198.18." + (i / 250) + "." + (i % 250 + 1) + ":51820"),
                        List.of(Cidr.parse("10." + (i / 250) + "." + (i % 250) + ".0/24")), 0));
            }
            dev.apply(DeviceUpdate.peersOnly(PeerDiff.between(wanted, dev.status().peers())));
            assertThat(dev.status().peers()).hasSize(1000);
            long[] nanos = new long[21];
            for (int round = 0; round < nanos.length; round++) {
                PeerConfig changed = wanted.get(round);
                wanted.set(round, new PeerConfig(changed.publicKey(), changed.endpoint(),
                        List.of(changed.allowedIps().get(0), Cidr.parse("100.64." + round + ".0/24")), 0));
                long t0 = System.nanoTime();
                // what a mesh pass does: read the device, diff, send the one change
                List<DeviceUpdate.PeerChange> diff = PeerDiff.between(wanted, dev.status().peers());
                dev.apply(DeviceUpdate.peersOnly(diff));
                nanos[round] = System.nanoTime() - t0;
                assertThat(diff).hasSize(1);
            }
            Arrays.sort(nanos);
            System.out.printf("one peer change on 1,000 peers (get + diff + set): median %.1f ms, max %.1f ms%n",
                    nanos[nanos.length / 2] / 1e6, nanos[nanos.length - 1] / 1e6);
        } finally {
            daemon.stop();
            quietly("ip", "netns", "del", ns);
        }
    }
}
