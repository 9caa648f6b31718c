package dev.qnf.agent.dns;

import dev.qnf.agent.dns.DnsMetrics.Outcome;
import dev.qnf.agent.dns.FakeUpstream.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static dev.qnf.agent.dns.DnsFixtures.answers;
import static dev.qnf.agent.dns.DnsFixtures.query;
import static dev.qnf.agent.dns.DnsFixtures.tcp;
import static dev.qnf.agent.dns.DnsFixtures.truncated;
import static dev.qnf.agent.dns.DnsFixtures.udp;
import static dev.qnf.agent.dns.DnsFixtures.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

/** Names outside the QNF zones go to fake upstreams on loopback. */
class ForwardingTest {
    /** example.com has one address; big.example has 100 IPv6 addresses (about 2.8 KB); the rest is NXDOMAIN. */
    private static final Function<Record, List<Record>> WORLD = q -> {
        List<Record> out = new ArrayList<>();
        try {
            if (q.getName().toString().equalsIgnoreCase("example.com.") && q.getType() == Type.A) {
                out.add(new ARecord(q.getName(), DClass.IN, 300, InetAddress.getByName("93.184.216.34")));
            }
            if (q.getName().toString().equalsIgnoreCase("big.example.")) {
                for (int i = 1; i <= 100; i++) {
                    out.add(new AAAARecord(q.getName(), DClass.IN, 300,
                            InetAddress.getByName("2001:db8::" + Integer.toHexString(i))));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    };

    private final DnsCounters counters = new DnsCounters();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private FakeUpstream upstream(Mode mode) throws IOException {
        FakeUpstream u = FakeUpstream.start(WORLD).mode(mode);
        open.add(u);
        return u;
    }

    private InetSocketAddress server(InetSocketAddress... upstreams) throws IOException {
        return server(config(upstreams));
    }

    private static DnsServerConfig.Builder config(InetSocketAddress... upstreams) throws IOException {
        return DnsServerConfig.builder().bind(InetAddress.getByName("127.0.0.1")).port(0)
                .upstreams(List.of(upstreams)).resolvConf(null).upstreamTimeout(Duration.ofMillis(300))
                .queryTimeout(Duration.ofMillis(1000)).attempts(2);
    }

    private InetSocketAddress server(DnsServerConfig.Builder config) throws IOException {
        DnsServer s = new DnsServer(config.build(), DnsFixtures.records(), counters, new Random(7));
        open.add(s);
        s.start();
        return s.addresses().get(0);
    }

    @Test
    void answers_are_relayed_with_the_clients_id_and_question() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(up.address());

        Message r = udp(server, query("ExAmple.COM.", Type.A));

        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getID()).isEqualTo(4242);
        assertThat(r.getQuestion().getName().toString()).isEqualTo("ExAmple.COM.");
        assertThat(answers(r)).containsExactly("93.184.216.34");
        assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(up.lastQuery.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(udp(server, query("nosuch.example.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(counters.total(Outcome.FORWARDED)).isEqualTo(2);
    }

    @Test
    void qnf_names_never_reach_the_upstream() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(up.address());

        udp(server, query("web.blue.qnf.internal.", Type.A));
        udp(server, query("web.red.qnf.internal.", Type.A));
        udp(server, query("10.0.89.10.in-addr.arpa.", Type.PTR));

        assertThat(up.udpQueries.get() + up.tcpQueries.get()).isZero();
    }

    @Test
    void a_truncated_udp_answer_is_retried_over_tcp() throws Exception {
        FakeUpstream up = upstream(Mode.TRUNCATE_UDP);
        InetSocketAddress server = server(up.address());

        Message r = udp(server, query("example.com.", Type.A));

        assertThat(answers(r)).containsExactly("93.184.216.34");
        assertThat(truncated(r)).isFalse();
        assertThat(up.udpQueries.get()).isEqualTo(1);
        assertThat(up.tcpQueries.get()).isEqualTo(1);
    }

    @Test
    void large_answers_are_cut_to_the_clients_udp_size_and_whole_over_tcp() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(up.address());

        Message plain = udp(server, query("big.example.", Type.AAAA));
        Message edns = udp(server, withEdns(query("big.example.", Type.AAAA), 4096));
        Message overTcp = tcp(server, query("big.example.", Type.AAAA));

        assertThat(truncated(plain)).isTrue();
        assertThat(plain.numBytes()).isLessThanOrEqualTo(512);
        assertThat(plain.getOPT()).isNull();
        assertThat(truncated(edns)).isTrue();
        assertThat(edns.numBytes()).isLessThanOrEqualTo(1232);
        assertThat(edns.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(answers(overTcp)).hasSize(100);
        assertThat(overTcp.getHeader().getID()).isEqualTo(4242);
        assertThat(up.lastQuery.getOPT().getPayloadSize()).as("we advertise our own limit upstream").isEqualTo(1232);
    }

    @Test
    void an_unreachable_upstream_is_skipped_for_the_next() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(config(FakeUpstream.closedPort(), up.address())
                .upstreamTimeout(Duration.ofSeconds(3)).queryTimeout(Duration.ofSeconds(5)));

        long t0 = System.nanoTime();
        Message r = udp(server, query("example.com.", Type.A));

        assertThat(answers(r)).containsExactly("93.184.216.34");
        // well under the 3 s upstream timeout it would otherwise wait out, with room for a loaded machine
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ICMP unreachable, no timeout").isLessThan(2500);
        assertThat(counters.upstreamFailures()).isEqualTo(1);
    }

    @Test
    void a_silent_or_failing_upstream_is_skipped_for_the_next() throws Exception {
        FakeUpstream silent = upstream(Mode.SILENT);
        FakeUpstream failing = upstream(Mode.SERVFAIL);
        FakeUpstream good = upstream(Mode.ANSWER);
        // a query timeout far beyond the one 300 ms upstream timeout: a slow machine must not run out of it
        InetSocketAddress server = server(config(silent.address(), failing.address(), good.address())
                .queryTimeout(Duration.ofSeconds(5)));

        long t0 = System.nanoTime();
        Message r = udp(server, query("example.com.", Type.A));

        assertThat(answers(r)).containsExactly("93.184.216.34");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("one 300 ms timeout").isGreaterThanOrEqualTo(250);
        assertThat(silent.udpQueries.get()).isEqualTo(1);
        assertThat(failing.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void all_upstreams_dead_is_servfail_within_the_query_timeout() throws Exception {
        FakeUpstream silent = upstream(Mode.SILENT);
        InetSocketAddress server = server(silent.address(), FakeUpstream.closedPort());

        long t0 = System.nanoTime();
        Message r = udp(server, query("example.com.", Type.A));
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(r.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(r.getHeader().getID()).isEqualTo(4242);
        assertThat(r.getQuestion().getName().toString()).isEqualTo("example.com.");
        assertThat(ms).as("two passes of 300 ms tries, capped at 1 s").isBetween(550L, 2500L);
        assertThat(silent.udpQueries.get()).isEqualTo(2);
        assertThat(counters.count("A", Outcome.SERVFAIL)).isEqualTo(1);
    }

    @Test
    void no_upstreams_is_servfail_at_once() throws Exception {
        InetSocketAddress server = server(config().upstreamTimeout(Duration.ofSeconds(3))
                .queryTimeout(Duration.ofSeconds(5)));

        long t0 = System.nanoTime();
        assertThat(udp(server, query("example.com.", Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("well under the 3 s upstream timeout").isLessThan(2500);
    }

    @Test
    void replies_with_a_foreign_id_are_ignored() throws Exception {
        FakeUpstream up = upstream(Mode.WRONG_ID_FIRST);
        InetSocketAddress server = server(up.address());

        Message r = udp(server, query("example.com.", Type.A));

        assertThat(answers(r)).containsExactly("93.184.216.34");
        assertThat(counters.upstreamFailures()).isZero();
    }

    @Test
    void a_tcp_client_is_forwarded_over_tcp() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(up.address());

        Message r = tcp(server, query("example.com.", Type.A));

        assertThat(answers(r)).containsExactly("93.184.216.34");
        assertThat(up.udpQueries.get()).isZero();
        assertThat(up.tcpQueries.get()).isEqualTo(1);
    }

    @Test
    void the_upstream_sees_a_fresh_id_and_the_dnssec_ok_bit() throws Exception {
        FakeUpstream up = upstream(Mode.ANSWER);
        InetSocketAddress server = server(up.address());
        Message q = query("example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO),
                Section.ADDITIONAL);

        udp(server, q);

        assertThat(up.lastQuery.getHeader().getID()).isNotEqualTo(4242);
        assertThat(up.lastQuery.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
    }

    @Test
    void a_full_forwarding_pool_sheds_load_with_a_fast_servfail() throws Exception {
        FakeUpstream silent = upstream(Mode.SILENT);
        InetSocketAddress server = server(config(silent.address()).workers(1).queueCapacity(1));

        try (DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(300);
            for (int id = 1; id <= 4; id++) {
                Message q = query("example.com.", Type.A);
                q.getHeader().setID(id);
                byte[] wire = q.toWire();
                client.send(new DatagramPacket(wire, wire.length, server));
            }
            List<Integer> fast = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] buf = new byte[512];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                client.receive(p);
                Message r = new Message(Arrays.copyOf(buf, p.getLength()));
                assertThat(r.getRcode()).isEqualTo(Rcode.SERVFAIL);
                fast.add(r.getHeader().getID());
            }
            assertThat(fast).as("one query runs, one waits, the rest are turned away").containsExactly(3, 4);
        }
        assertThat(counters.total(Outcome.OVERLOADED)).isEqualTo(2);
    }
}
