package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.qnf.agent.netlink.IpCli.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole layer end to end: a "host" namespace with a bridge, two "containers" each plugged in by a veth whose
 * peer is created inside the container, addresses and default routes in both families, then traffic. Everything
 * is programmed through rtnetlink; iproute2 and ping only observe.
 */
@Tag("root")
class ConnectivityTest {

    @Test
    void twoContainersOnOneBridgeReachEachOtherAndTheGateway() throws Exception {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs host = ns.add("host");
            NetNs c1 = ns.add("c1");
            NetNs c2 = ns.add("c2");
            try (Rtnetlink hostRt = Rtnetlink.open(host)) {
                hostRt.createBridge("qbr0", 1450);
                hostRt.addAddress("qbr0", IpAddress.parse("10.77.0.1"), 24);
                hostRt.addAddress("qbr0", IpAddress.parse("fd00:77::1"), 64);
                hostRt.setUp("qbr0");
                plug(hostRt, "qv1", c1, "02:00:0a:4d:00:0b", "10.77.0.11", "fd00:77::11");
                plug(hostRt, "qv2", c2, "02:00:0a:4d:00:0c", "10.77.0.12", "fd00:77::12");
            }

            assertThat(IpCli.link(c1, "eth0").get("address").asText()).isEqualTo("02:00:0a:4d:00:0b");
            assertThat(IpCli.link(host, "qv2").get("master").asText()).isEqualTo("qbr0");

            // plain Java sockets opened on a namespace thread: no external tool needed
            assertThat(tcp(c1, c2, "10.77.0.12")).isEqualTo("hello from c2");
            assertThat(tcp(c2, c1, "fd00:77::11")).isEqualTo("hello from c1");

            assumeTrue(TestNamespaces.status("sh", "-c", "command -v ping") == 0, "ping (iputils-ping) not installed");
            assertThat(ping(c1, "10.77.0.12")).isZero();
            assertThat(ping(c2, "10.77.0.11")).isZero();
            assertThat(ping(c1, "10.77.0.1")).isZero();
            assertThat(ping(c1, "fd00:77::12")).isZero();
            assertThat(ping(c2, "fd00:77::1")).isZero();
            assertThat(ping(c1, "10.77.0.99")).as("an absent address does not answer").isNotZero();
        }
    }

    /** The CNI ADD shape: veth with the peer created inside the container, host end on the bridge. */
    private static void plug(Rtnetlink hostRt, String hostEnd, NetNs container, String mac, String v4, String v6) {
        hostRt.createVeth(hostEnd, "eth0", 1450, container);
        hostRt.setMaster(hostEnd, "qbr0");
        hostRt.setUp(hostEnd);
        try (Rtnetlink rt = Rtnetlink.open(container)) {
            rt.setMac("eth0", mac);
            rt.addAddress("eth0", IpAddress.parse(v4), 24);
            rt.addAddress("eth0", IpAddress.parse(v6), 64);
            rt.setUp("eth0");
            rt.replaceRoute(Route.defaultVia(IpAddress.parse("10.77.0.1"), "eth0"));
            rt.replaceRoute(Route.defaultVia(IpAddress.parse("fd00:77::1"), "eth0"));
        }
    }

    private static int ping(NetNs from, String to) {
        return TestNamespaces.status("ip", "netns", "exec", name(from), "ping", "-c1", "-W2", to);
    }

    /** Listens in {@code server}'s namespace, connects from {@code client}'s, returns the greeting read. */
    private static String tcp(NetNs client, NetNs server, String address) throws Exception {
        try (ServerSocket listener = server.run(() -> new ServerSocket(0, 1, InetAddress.getByName(address)))) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write(("hello from " + name(server).split("-")[1]).getBytes());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String greeting = client.run(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, listener.getLocalPort()), 5000);
                    s.setSoTimeout(5000);
                    return new String(s.getInputStream().readAllBytes());
                }
            });
            served.get(10, TimeUnit.SECONDS);
            return greeting;
        }
    }
}
