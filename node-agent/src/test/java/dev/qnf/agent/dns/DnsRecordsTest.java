package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.qnf.agent.dns.DnsFixtures.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsRecordsTest {

    @Test
    void the_name_label_wins_over_the_id_and_names_are_lower_case() {
        assertThat(DnsRecords.dnsName(endpoint("c1", "10.89.0.2", null, Map.of("name", "Web")))).contains("web");
        assertThat(DnsRecords.dnsName(endpoint("DB-1", "10.89.0.2", null, Map.of()))).contains("db-1");
    }

    @Test
    void ids_and_labels_that_are_no_dns_label_give_no_name() {
        assertThat(DnsRecords.dnsName(DnsFixtures.UNNAMED)).isEmpty();
        assertThat(DnsRecords.dnsName(endpoint("a_b", "10.89.0.2", null, Map.of()))).isEmpty();
        assertThat(DnsRecords.dnsName(endpoint("a.b", "10.89.0.2", null, Map.of()))).isEmpty();
        assertThat(DnsRecords.dnsName(endpoint("ok", "10.89.0.2", null, Map.of("name", "-bad"))))
                .as("a bad name label does not fall back to the id").isEmpty();
    }

    @Test
    void built_from_endpoints_with_unnamed_ones_listed() {
        DnsRecords r = DnsFixtures.records();

        assertThat(r.zone()).isEqualTo("blue.qnf.internal");
        assertThat(r.names()).containsExactly("db", "web", "www");
        assertThat(r.unnamed()).containsExactly(DnsFixtures.UNNAMED.id());
        assertThat(r.serial()).isEqualTo(7);
    }

    @Test
    void of_takes_only_the_networks_endpoints() {
        var red = new Endpoint("red", "x", "n", IpAddress.parse("10.90.0.2"), null, null, null,
                null, Map.of());

        DnsRecords r = DnsRecords.of(DnsFixtures.BLUE, "qnf.internal", 3, List.of(DnsFixtures.DB, red));

        assertThat(r.names()).containsExactly("db");
        assertThatThrownBy(() -> DnsRecords.builder("blue").endpoint(red))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("red");
    }

    @Test
    void aliases_never_shadow_names_and_need_a_target() {
        DnsRecords r = DnsRecords.builder("blue").host("a", IpAddress.parse("10.0.0.1"))
                .host("b", IpAddress.parse("10.0.0.2")).alias("b", "a").alias("c", "a").alias("d", "nosuch").build();

        assertThat(r.names()).containsExactly("a", "b", "c");
        assertThat(r.host(DnsRecords.absolute("b.blue.qnf.internal")).v4().get(0).getHostAddress())
                .isEqualTo("10.0.0.2");
    }

    @Test
    void services_without_a_live_target_are_left_out() {
        DnsRecords r = DnsRecords.builder("blue").host("a", IpAddress.parse("10.0.0.1"))
                .service("_dns", "_udp", "a", 53).service("ldap", "tcp", "gone", 389).build();

        assertThat(r.services(DnsRecords.absolute("_dns._udp.blue.qnf.internal"))).hasSize(1);
        assertThat(r.services(DnsRecords.absolute("_ldap._tcp.blue.qnf.internal"))).isNull();
        assertThat(r.exists(DnsRecords.absolute("_tcp.blue.qnf.internal"))).isFalse();
    }

    @Test
    void bad_service_labels_are_ignored() {
        DnsRecords r = DnsRecords.builder("blue").endpoint(endpoint("a", "10.89.0.2", null,
                Map.of("srv.qnf.dev/http.tcp", "99999", "srv.qnf.dev/nodot", "80", "srv.qnf.dev/ok.tcp", "81")))
                .build();

        assertThat(r.services(DnsRecords.absolute("_ok._tcp.blue.qnf.internal"))).hasSize(1);
        assertThat(r.services(DnsRecords.absolute("_http._tcp.blue.qnf.internal"))).isNull();
    }

    @Test
    void invalid_input_is_rejected() {
        assertThatThrownBy(() -> DnsRecords.builder("Blue!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsRecords.builder("blue").domain("bad..domain"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsRecords.builder("blue").host("x.y", IpAddress.parse("10.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsRecords.builder("blue").service("http", "tcp", "a", 70000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void search_domains_are_the_network_zone_and_a_custom_domain() {
        assertThat(DnsRecords.searchDomains("blue", "qnf.internal")).containsExactly("blue.qnf.internal");
        assertThat(DnsRecords.builder("blue").domain("Corp.Example.").build().zone()).isEqualTo("blue.corp.example");
    }

    @Test
    void an_update_changes_what_changed_and_leaves_the_records_it_came_from_whole() {
        DnsRecords before = DnsRecords.of(DnsFixtures.BLUE, "qnf.internal", 7,
                List.of(DnsFixtures.WEB_1, DnsFixtures.WEB_2, DnsFixtures.DB));
        Endpoint cache = endpoint("cache", "10.89.0.20", null, Map.of("alias.qnf.dev/redis", "true",
                "srv.qnf.dev/redis.tcp", "6379"));
        Endpoint web2 = endpoint("c2", "10.89.0.12", null, Map.of("name", "api"));

        Map<String, Endpoint> changes = new HashMap<>();
        changes.put("cache", cache);
        changes.put("c2", web2);
        changes.put("db", null); // gone
        DnsRecords after = before.update(8, changes);

        assertThat(before.names()).as("the old value is untouched").containsExactly("db", "web");
        assertThat(before.services(DnsRecords.absolute("_redis._tcp.blue.qnf.internal"))).isNull();
        assertThat(after.names()).containsExactly("api", "cache", "redis", "web");
        assertThat(after.services(DnsRecords.absolute("_redis._tcp.blue.qnf.internal"))).hasSize(1);
        assertThat(after.host(DnsRecords.absolute("db.blue.qnf.internal"))).isNull();
        assertThat(before.host(DnsRecords.absolute("db.blue.qnf.internal"))).isNotNull();
        assertThat(after.serial()).isEqualTo(8);
        DnsRecords fresh = DnsRecords.of(DnsFixtures.BLUE, "qnf.internal", 8, List.of(DnsFixtures.WEB_1, web2, cache));
        assertThat(after.sameRecords(fresh)).as("%s vs %s", after, fresh).isTrue();
        assertThat(before.sameRecords(fresh)).isFalse();
        assertThatThrownBy(() -> before.update(9, Map.of("x", DnsFixtures.DB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given as x");
    }
}
