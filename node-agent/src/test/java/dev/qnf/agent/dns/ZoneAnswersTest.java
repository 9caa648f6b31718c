package dev.qnf.agent.dns;

import dev.qnf.agent.dns.DnsMetrics.Outcome;
import dev.qnf.agent.dns.QueryHandler.Forward;
import dev.qnf.agent.dns.QueryHandler.Reply;
import dev.qnf.agent.dns.QueryHandler.Step;
import dev.qnf.agent.dns.QueryHandler.Transport;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static dev.qnf.agent.dns.DnsFixtures.answers;
import static dev.qnf.agent.dns.DnsFixtures.name;
import static dev.qnf.agent.dns.DnsFixtures.query;
import static dev.qnf.agent.dns.DnsFixtures.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

/** What the QNF zones answer, through the socket-free {@link QueryHandler}. */
class ZoneAnswersTest {
    private final DnsCounters counters = new DnsCounters();
    private DnsRecords records = DnsFixtures.records();
    private final QueryHandler handler = new QueryHandler(() -> records,
            new Forwarder(List.of(), Duration.ofMillis(100), Duration.ofMillis(100), 1, 1232, new Random(1), counters),
            1232, counters);

    private Message ask(Message q) throws Exception {
        Step step = handler.handle(q.toWire(), Transport.UDP);
        assertThat(step).isInstanceOf(Reply.class);
        return new Message(((Reply) step).wire());
    }

    private Message ask(String name, int type) throws Exception {
        return ask(query(name, type));
    }

    @Test
    void a_records_of_every_endpoint_with_the_name() throws Exception {
        Message r = ask("web.blue.qnf.internal.", Type.A);

        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getID()).isEqualTo(4242);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(answers(r)).containsExactly("10.89.0.10", "10.89.0.12");
        assertThat(r.getSection(Section.ANSWER)).allSatisfy(rec -> assertThat(rec.getTTL()).isEqualTo(5));
        assertThat(counters.count("A", Outcome.ANSWER)).isEqualTo(1);
    }

    @Test
    void aaaa_records() throws Exception {
        assertThat(answers(ask("web.blue.qnf.internal.", Type.AAAA))).containsExactly("fd89::10");
    }

    @Test
    void an_endpoint_without_a_name_label_is_named_by_its_id_and_aliases_share_addresses() throws Exception {
        assertThat(answers(ask("db.blue.qnf.internal.", Type.A))).containsExactly("10.89.0.11");
        assertThat(answers(ask("www.blue.qnf.internal.", Type.A))).containsExactly("10.89.0.10", "10.89.0.12");
    }

    @Test
    void names_are_case_insensitive_and_answers_keep_the_question_spelling() throws Exception {
        Message r = ask("wEb.BLUE.Qnf.INTERNAL.", Type.A);

        assertThat(answers(r)).containsExactly("10.89.0.10", "10.89.0.12");
        assertThat(r.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("wEb.BLUE.Qnf.INTERNAL.");
        assertThat(r.getQuestion().getName().toString()).isEqualTo("wEb.BLUE.Qnf.INTERNAL.");
    }

    @Test
    void ptr_for_ipv4_and_ipv6_endpoint_addresses() throws Exception {
        Message v4 = ask(ReverseMap.fromAddress("10.89.0.12").toString(), Type.PTR);
        Message v6 = ask(ReverseMap.fromAddress("fd89::10").toString(), Type.PTR);

        assertThat(answers(v4)).containsExactly("web.blue.qnf.internal.");
        assertThat(answers(v6)).containsExactly("web.blue.qnf.internal.");
        assertThat(v4.getHeader().getFlag(Flags.AA)).isTrue();
    }

    @Test
    void srv_names_targets_and_ports_with_their_addresses_as_additional_records() throws Exception {
        Message r = ask("_http._tcp.blue.qnf.internal.", Type.SRV);

        assertThat(r.getSection(Section.ANSWER)).singleElement().satisfies(rec -> {
            SRVRecord srv = (SRVRecord) rec;
            assertThat(srv.getTarget()).isEqualTo(name("web.blue.qnf.internal."));
            assertThat(srv.getPort()).isEqualTo(8080);
        });
        assertThat(r.getSection(Section.ADDITIONAL)).extracting(DnsFixtures::text)
                .containsExactlyInAnyOrder("10.89.0.10", "10.89.0.12", "fd89::10");
    }

    @Test
    void unknown_name_in_the_zone_is_nxdomain_with_the_soa() throws Exception {
        Message r = ask("nosuch.blue.qnf.internal.", Type.A);

        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
        SOARecord soa = (SOARecord) r.getSection(Section.AUTHORITY).get(0);
        assertThat(soa.getName()).isEqualTo(name("blue.qnf.internal."));
        assertThat(soa.getSerial()).isEqualTo(7);
        assertThat(soa.getMinimum()).isEqualTo(5);
        assertThat(counters.count("A", Outcome.NXDOMAIN)).isEqualTo(1);
    }

    @Test
    void existing_name_without_the_type_is_nodata_with_the_soa() throws Exception {
        Message mx = ask("web.blue.qnf.internal.", Type.MX);
        Message aaaa = ask("db.blue.qnf.internal.", Type.AAAA);
        Message srvOnHost = ask("web.blue.qnf.internal.", Type.SRV);
        Message aOnSrv = ask("_http._tcp.blue.qnf.internal.", Type.A);

        for (Message r : List.of(mx, aaaa, srvOnHost, aOnSrv)) {
            assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
            assertThat(r.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        }
        assertThat(counters.total(Outcome.NODATA)).isEqualTo(4);
    }

    @Test
    void empty_non_terminals_are_nodata_not_nxdomain() throws Exception {
        Message tcp = ask("_tcp.blue.qnf.internal.", Type.SRV);
        Message octets = ask("0.89.10.in-addr.arpa.", Type.PTR);

        assertThat(tcp.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(octets.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("_udp.blue.qnf.internal.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void zone_apex_answers_soa() throws Exception {
        Message r = ask("blue.qnf.internal.", Type.SOA);

        assertThat(r.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(ask("blue.qnf.internal.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void other_networks_in_the_domain_are_nxdomain_and_never_forwarded() throws Exception {
        Message r = ask("web.red.qnf.internal.", Type.A);

        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(((SOARecord) r.getSection(Section.AUTHORITY).get(0)).getName()).isEqualTo(name("qnf.internal."));
        assertThat(ask("qnf.internal.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void reverse_names_in_the_network_prefix_are_ours_and_others_are_forwarded() throws Exception {
        Message unknown = ask(ReverseMap.fromAddress("10.89.0.200").toString(), Type.PTR);
        Message unknown6 = ask(ReverseMap.fromAddress("fd89::99").toString(), Type.PTR);
        Message below = ask("x." + ReverseMap.fromAddress("10.89.0.10"), Type.PTR);

        assertThat(unknown.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(((SOARecord) unknown.getSection(Section.AUTHORITY).get(0)).getName())
                .isEqualTo(name("0.89.10.in-addr.arpa."));
        assertThat(unknown6.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(below.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(handler.handle(query(ReverseMap.fromAddress("10.90.0.1").toString(), Type.PTR).toWire(),
                Transport.UDP)).isInstanceOf(Forward.class);
        assertThat(handler.handle(query("89.10.in-addr.arpa.", Type.PTR).toWire(), Transport.UDP))
                .isInstanceOf(Forward.class);
    }

    @Test
    void prefixes_off_the_octet_boundary_split_into_octet_zones() throws Exception {
        records = DnsRecords.builder("blue").reverseZone(Cidr.parse("10.1.0.0/20"))
                .host("a", IpAddress.parse("10.1.5.7")).build();

        assertThat(answers(ask("7.5.1.10.in-addr.arpa.", Type.PTR))).containsExactly("a.blue.qnf.internal.");
        Message miss = ask("8.5.1.10.in-addr.arpa.", Type.PTR);
        assertThat(((SOARecord) miss.getSection(Section.AUTHORITY).get(0)).getName())
                .isEqualTo(name("5.1.10.in-addr.arpa."));
        assertThat(handler.handle(query("1.10.in-addr.arpa.", Type.PTR).toWire(), Transport.UDP))
                .isInstanceOf(Forward.class);
        assertThat(handler.handle(query("1.17.1.10.in-addr.arpa.", Type.PTR).toWire(), Transport.UDP))
                .isInstanceOf(Forward.class);
    }

    @Test
    void names_outside_qnf_zones_are_forwarded() {
        Step step = handler.handle(query("example.com.", Type.A).toWire(), Transport.UDP);

        assertThat(step).isInstanceOf(Forward.class);
        assertThat(((Forward) step).maxSize()).isEqualTo(512);
    }

    @Test
    void any_returns_both_families() throws Exception {
        assertThat(answers(ask("web.blue.qnf.internal.", Type.ANY)))
                .containsExactlyInAnyOrder("10.89.0.10", "10.89.0.12", "fd89::10");
    }

    @Test
    void edns_is_echoed_with_our_payload_size_and_absent_when_the_client_has_none() throws Exception {
        Message with = ask(withEdns(query("web.blue.qnf.internal.", Type.A), 4096));
        Message without = ask("web.blue.qnf.internal.", Type.A);

        assertThat(with.getOPT()).isNotNull();
        assertThat(with.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(without.getOPT()).isNull();
    }

    @Test
    void udp_answers_are_truncated_to_the_client_limit_and_tcp_gets_everything() throws Exception {
        DnsRecords.Builder b = DnsRecords.builder("blue");
        for (int i = 1; i <= 40; i++) {
            b.host("big", IpAddress.parse("fd89::" + Integer.toHexString(i))); // 40 x 28 bytes
        }
        for (int i = 1; i <= 100; i++) {
            b.host("huge", IpAddress.parse("fd89::1:" + Integer.toHexString(i)));
        }
        records = b.build();

        Message plain = ask("big.blue.qnf.internal.", Type.AAAA);
        Message edns = ask(withEdns(query("big.blue.qnf.internal.", Type.AAAA), 4096));
        Message hugeEdns = ask(withEdns(query("huge.blue.qnf.internal.", Type.AAAA), 4096));
        Step tcp = handler.handle(query("huge.blue.qnf.internal.", Type.AAAA).toWire(), Transport.TCP);

        assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(plain.numBytes()).isLessThanOrEqualTo(512);
        assertThat(edns.getHeader().getFlag(Flags.TC)).as("fits in 1232").isFalse();
        assertThat(edns.getSection(Section.ANSWER)).hasSize(40);
        assertThat(hugeEdns.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(hugeEdns.numBytes()).isLessThanOrEqualTo(1232);
        assertThat(hugeEdns.getOPT()).as("OPT survives truncation").isNotNull();
        Message full = new Message(((Reply) tcp).wire());
        assertThat(full.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(full.getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void unsupported_requests_get_the_right_error() throws Exception {
        Message chaos = Message.newQuery(Record.newRecord(name("version.bind."), Type.TXT, DClass.CH));
        Message notify = query("blue.qnf.internal.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        Message two = query("web.blue.qnf.internal.", Type.A);
        two.addRecord(Record.newRecord(name("db.blue.qnf.internal."), Type.A, DClass.IN), Section.QUESTION);
        Message v1 = query("web.blue.qnf.internal.", Type.A);
        v1.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);

        assertThat(ask(chaos).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(ask(query("blue.qnf.internal.", Type.AXFR)).getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(ask(two).getRcode()).isEqualTo(Rcode.FORMERR);
        Message badvers = ask(v1);
        assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(badvers.getOPT()).isNotNull();
    }

    @Test
    void garbage_after_a_header_is_formerr_and_responses_or_short_packets_are_dropped() throws Exception {
        byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 'x'};
        Message response = query("web.blue.qnf.internal.", Type.A);
        response.getHeader().setFlag(Flags.QR);

        Message formerr = new Message(((Reply) handler.handle(garbage, Transport.UDP)).wire());
        assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(formerr.getHeader().getID()).isEqualTo(0x1234);
        assertThat(handler.handle(response.toWire(), Transport.UDP)).isSameAs(QueryHandler.DROP);
        assertThat(handler.handle(new byte[5], Transport.UDP)).isSameAs(QueryHandler.DROP);
        assertThat(counters.total(Outcome.DROPPED)).isEqualTo(2);
        assertThat(counters.count("NONE", Outcome.FORMERR)).isEqualTo(1);
    }

    @Test
    void metric_types_have_bounded_cardinality() throws Exception {
        ask("web.blue.qnf.internal.", 65000);

        assertThat(counters.count("OTHER", Outcome.NODATA)).isEqualTo(1);
    }
}
