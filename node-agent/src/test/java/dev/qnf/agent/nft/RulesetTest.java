package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.nft.Ruleset.PortMapping;
import dev.qnf.agent.nft.Ruleset.Protocol;
import dev.qnf.fabric.net.Cidr;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesetTest {
    static final Network A = Network.of("a", "qbr-a", "10.1.0.0/24", true);

    @Test
    void refusesWhatCannotBeRendered() {
        assertThatThrownBy(() -> Network.of("A b", "qbr-a", "10.1.0.0/24", true)).hasMessageContaining("network name");
        assertThatThrownBy(() -> Network.of("a", "br\"0", "10.1.0.0/24", true)).hasMessageContaining("bridge");
        assertThatThrownBy(() -> Network.of("a", "a-very-long-bridge", "10.1.0.0/24", true))
                .hasMessageContaining("bridge");
        assertThatThrownBy(() -> Ruleset.of(List.of(A), List.of(Endpoint.of("c1", "b", "10.1.0.2", 1)), List.of()))
                .hasMessageContaining("unknown network b");
        assertThatThrownBy(() -> Ruleset.of(List.of(A), List.of(Endpoint.of("c1", "a", "10.9.0.2", 1)), List.of()))
                .hasMessageContaining("outside network a");
        assertThatThrownBy(() -> Ruleset.of(List.of(A), List.of(Endpoint.of("c1", "a", "10.1.0.2", 1),
                Endpoint.of("c2", "a", "10.1.0.2", 2)), List.of())).hasMessageContaining("held by endpoints c1 and c2");
        assertThatThrownBy(() -> Ruleset.of(List.of(A, Network.of("b", "qbr-a", "10.2.0.0/24", true)), List.of(),
                List.of())).hasMessageContaining("share bridge");
        assertThatThrownBy(() -> Ruleset.of(List.of(A, Network.of("b", "qbr-b", "10.1.0.0/16", true)), List.of(),
                List.of())).hasMessageContaining("overlap");
        assertThatThrownBy(() -> Ruleset.of(List.of(A), List.of(), List.of(PortMapping.tcp(80, "10.1.0.2", 80),
                PortMapping.tcp(80, "10.1.0.3", 80)))).hasMessageContaining("mapped twice");
        assertThatThrownBy(() -> Ruleset.of(List.of(A), List.of(), List.of(PortMapping.tcp(80, "192.0.2.1", 80))))
                .hasMessageContaining("outside every QNF network");
        assertThatThrownBy(() -> PortMapping.udp(0, "10.1.0.2", 53)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new Network("a", "qbr-a", Cidr.parse("fd00::/64"), null, true))
                .hasMessageContaining("is not IPv4");
    }

    @Test
    void theSameHostPortMayBeMappedPerProtocolAndFamily() {
        Ruleset r = Ruleset.of(List.of(Network.dualStack("a", "qbr-a", "10.1.0.0/24", "fd00:1::/64", true)),
                List.of(), List.of(PortMapping.tcp(53, "10.1.0.2", 53), PortMapping.udp(53, "10.1.0.2", 53),
                        PortMapping.tcp(53, "fd00:1::2", 53)));
        assertThat(r.ports()).hasSize(3);
        assertThat(r.withoutPort(Protocol.TCP, 53, 6).ports()).hasSize(2);
        assertThat(r.withPort(PortMapping.tcp(53, "10.1.0.3", 5353)).ports()).hasSize(3)
                .contains(PortMapping.tcp(53, "10.1.0.3", 5353));
    }

    @Test
    void withoutANetworkDropsItsEndpointsAndPorts() {
        Network b = Network.of("b", "qbr-b", "10.2.0.0/24", false);
        Ruleset r = Ruleset.of(List.of(A, b), List.of(Endpoint.of("c1", "a", "10.1.0.2", 1),
                Endpoint.of("c2", "b", "10.2.0.2", 2)), List.of(PortMapping.tcp(80, "10.2.0.2", 80)));
        Ruleset without = r.withoutNetwork("b");
        assertThat(without.networks()).containsOnlyKeys("a");
        assertThat(without.endpoints()).containsOnlyKeys("c1");
        assertThat(without.ports()).isEmpty();
    }
}
