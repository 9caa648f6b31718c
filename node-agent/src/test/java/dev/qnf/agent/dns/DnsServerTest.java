package dev.qnf.agent.dns;

import dev.qnf.agent.dns.DnsMetrics.Outcome;
import dev.qnf.fabric.net.IpAddress;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.qnf.agent.dns.DnsFixtures.answers;
import static dev.qnf.agent.dns.DnsFixtures.query;
import static dev.qnf.agent.dns.DnsFixtures.tcp;
import static dev.qnf.agent.dns.DnsFixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The server over real sockets on loopback: transports, updates, lifecycle, hostile input, a real client. */
class DnsServerTest {
    private final DnsCounters counters = new DnsCounters();
    private final List<DnsServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(DnsServer::close);
    }

    private DnsServer start(DnsRecords records, DnsServerConfig.Builder config) throws IOException {
        DnsServer s = new DnsServer(config.build(), records, counters, new Random(1));
        servers.add(s);
        s.start();
        return s;
    }

    private static DnsServerConfig.Builder loopback() throws IOException {
        return DnsServerConfig.builder().bind(InetAddress.getByName("127.0.0.1")).port(0)
                .upstream(FakeUpstream.closedPort()).upstreamTimeout(Duration.ofMillis(200))
                .queryTimeout(Duration.ofMillis(400));
    }

    private static InetSocketAddress at(DnsServer s) {
        return s.addresses().get(0);
    }

    @Test
    void answers_over_udp_and_tcp_on_one_port() throws Exception {
        DnsServer s = start(DnsFixtures.records(), loopback());

        assertThat(answers(udp(at(s), query("web.blue.qnf.internal.", Type.A))))
                .containsExactly("10.89.0.10", "10.89.0.12");
        assertThat(answers(tcp(at(s), query("web.blue.qnf.internal.", Type.AAAA)))).containsExactly("fd89::10");
        assertThat(s.port()).isPositive();
    }

    @Test
    void an_update_takes_effect_for_the_next_query() throws Exception {
        DnsServer s = start(DnsFixtures.records(), loopback());

        s.update(DnsRecords.builder("blue").host("web", IpAddress.parse("10.89.0.99")).build());

        assertThat(answers(udp(at(s), query("web.blue.qnf.internal.", Type.A)))).containsExactly("10.89.0.99");
        assertThat(udp(at(s), query("db.blue.qnf.internal.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    /** Each version moves the SRV target and its address together; no answer may mix two versions. */
    @Test
    void updates_are_atomic_under_concurrent_queries() throws Exception {
        DnsRecords[] versions = new DnsRecords[2];
        for (int v = 0; v < 2; v++) {
            versions[v] = DnsRecords.builder("blue").serial(v)
                    .host("t" + v, IpAddress.parse("10.89.0." + (50 + v)))
                    .service("http", "tcp", "t" + v, 8000 + v).build();
        }
        DnsServer s = start(versions[0], loopback());
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                s.update(versions[i % 2]);
            }
        });
        flipper.start();
        try {
            for (int i = 0; i < 300; i++) {
                Message r = udp(at(s), query("_http._tcp.blue.qnf.internal.", Type.SRV));
                SRVRecord srv = (SRVRecord) r.getSection(Section.ANSWER).get(0);
                int v = srv.getPort() - 8000;
                assertThat(srv.getTarget().toString()).isEqualTo("t" + v + ".blue.qnf.internal.");
                assertThat(r.getSection(Section.ADDITIONAL)).extracting(DnsFixtures::text)
                        .containsExactly("10.89.0." + (50 + v));
            }
        } finally {
            stop.set(true);
            flipper.join();
        }
    }

    @Test
    void hostile_packets_never_stop_the_server() throws Exception {
        DnsServer s = start(DnsFixtures.records(), loopback());
        Random random = new Random(42);
        byte[] valid = query("web.blue.qnf.internal.", Type.A).toWire();
        List<byte[]> packets = new ArrayList<>();
        packets.add(new byte[0]);
        packets.add(new byte[11]);
        // a compression pointer to itself
        packets.add(new byte[]{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1});
        // counts that promise far more than the packet holds
        packets.add(new byte[]{0, 2, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
        for (int i = 0; i < 300; i++) {
            boolean mutate = random.nextBoolean(); // a damaged query, or pure noise
            byte[] p = mutate ? valid.clone() : new byte[random.nextInt(600)];
            for (int j = 0; j < p.length; j++) {
                if (!mutate || random.nextInt(8) == 0) {
                    p[j] = (byte) random.nextInt(256);
                }
            }
            packets.add(p);
        }
        for (byte[] p : packets) {
            DnsFixtures.udpRaw(at(s), p, 1);
        }
        try (Socket junk = new Socket(at(s).getAddress(), s.port())) {
            junk.getOutputStream().write(new byte[]{0, 20, 1, 2, 3});
            junk.getOutputStream().write(valid.length >> 8);
        }

        // every datagram ended one way or another (forwarded ones fail fast: the upstream port is closed)
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(counters.snapshot().entrySet().stream().filter(e -> !e.getKey().startsWith("upstream"))
                        .mapToLong(Map.Entry::getValue).sum()).isEqualTo(packets.size()));
        assertThat(answers(udp(at(s), query("web.blue.qnf.internal.", Type.A)))).hasSize(2);
        assertThat(answers(tcp(at(s), query("web.blue.qnf.internal.", Type.A)))).hasSize(2);
        assertThat(counters.total(Outcome.DROPPED)).isPositive();
        assertThat(counters.total(Outcome.FORMERR)).isPositive();
    }

    @Test
    void close_releases_the_sockets() throws Exception {
        DnsServer s = start(DnsFixtures.records(), loopback());
        InetSocketAddress bound = at(s);

        s.close();

        try (DatagramSocket u = new DatagramSocket(bound); ServerSocket t = new ServerSocket()) {
            t.setReuseAddress(true);
            t.bind(bound);
        }
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_port_in_use_fails_start_and_leaves_nothing_open() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            DnsServer s = new DnsServer(loopback().port(taken.getLocalPort()).build(), DnsFixtures.records(),
                    counters);

            assertThatThrownBy(s::start).isInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void dual_stack_serves_both_families_on_one_port() throws Exception {
        assumeTrue(ipv6Loopback(), "no IPv6 loopback");
        DnsServer s = start(DnsFixtures.records(), loopback().bind(InetAddress.getByName("::1")));

        InetSocketAddress v6 = s.addresses().get(1);
        assertThat(v6.getPort()).isEqualTo(s.port());
        assertThat(answers(udp(v6, query("web.blue.qnf.internal.", Type.AAAA)))).containsExactly("fd89::10");
        assertThat(answers(tcp(v6, query("db.blue.qnf.internal.", Type.A)))).containsExactly("10.89.0.11");
    }

    @Test
    void tcp_clients_beyond_the_limit_are_disconnected_and_idle_ones_time_out() throws Exception {
        DnsServer s = start(DnsFixtures.records(), loopback().maxTcpConnections(1)
                .tcpIdleTimeout(Duration.ofMillis(500)));
        try (Socket idle = new Socket(at(s).getAddress(), s.port())) {
            Thread.sleep(100); // let the server hand the first connection to its only TCP thread
            try (Socket second = new Socket(at(s).getAddress(), s.port())) {
                second.setSoTimeout(2000);
                assertThat(second.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            idle.setSoTimeout(5000);
            long t0 = System.nanoTime();
            assertThat(idle.getInputStream().read()).as("closed when idle").isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2500);
        }
        // The only TCP thread takes a new client once it is back waiting for work after closing the idle one; a
        // client that comes before that is disconnected like the second one above, so ask until it is served.
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(answers(tcp(at(s), query("db.blue.qnf.internal.", Type.A)))).containsExactly("10.89.0.11"));
    }

    @Test
    void dig_resolves_names_and_addresses() throws Exception {
        Path dig = Path.of("/usr/bin/dig");
        assumeTrue(Files.isExecutable(dig), "dig not installed");
        DnsServer s = start(DnsFixtures.records(), loopback());
        String port = String.valueOf(s.port());

        assertThat(run(dig.toString(), "@127.0.0.1", "-p", port, "+short", "+tries=1", "+time=2",
                "web.blue.qnf.internal")).containsExactly("10.89.0.10", "10.89.0.12");
        assertThat(run(dig.toString(), "@127.0.0.1", "-p", port, "+short", "+tcp", "+tries=1", "+time=2",
                "-x", "10.89.0.11")).containsExactly("db.blue.qnf.internal.");
        assertThat(run(dig.toString(), "@127.0.0.1", "-p", port, "+short", "+tries=1", "+time=2",
                "SRV", "_http._tcp.blue.qnf.internal")).containsExactly("0 0 8080 web.blue.qnf.internal.");
        assertThat(String.join("\n", run(dig.toString(), "@127.0.0.1", "-p", port, "+tries=1", "+time=2",
                "nosuch.blue.qnf.internal"))).contains("status: NXDOMAIN").contains("SOA");
    }

    private static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static boolean ipv6Loopback() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName("::1")) != null
                    && InetAddress.getByName("::1") instanceof Inet6Address;
        } catch (IOException e) {
            return false;
        }
    }
}
