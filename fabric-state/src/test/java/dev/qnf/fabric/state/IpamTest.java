package dev.qnf.fabric.state;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpamTest {
    final Fixtures f = new Fixtures();

    @Test
    void firstAddressSkipsNetworkAndGateway() {
        f.network("blue", "10.10.0.0/24");
        assertThat(f.allocated("blue", "ep1", "n1").ip()).hasToString("10.10.0.2");
        assertThat(f.allocated("blue", "ep2", "n1").ip()).hasToString("10.10.0.3");
    }

    @Test
    void retriedAllocationReturnsTheSameAddressAndChangesNothing() {
        f.network("blue", "10.10.0.0/24");
        Endpoint first = f.allocated("blue", "ep1", "n1");
        long revisionAfterFirst = f.image.revision();
        Decision retry = FabricMachine.decide(f.image, new dev.qnf.fabric.command.Allocate("blue", "ep1", "n1", null));
        assertThat(retry.changes()).isEmpty();
        assertThat(retry.reply()).isEqualTo(Reply.ok(first, false));
        // a retry that names no node is the same request
        assertThat(f.allocated("blue", "ep1", null)).isEqualTo(first);
        assertThat(f.image.endpoints("blue")).hasSize(1);
        assertThat(revisionAfterFirst).isPositive();
    }

    @Test
    void sameEndpointOnAnotherNodeIsRefused() {
        f.network("blue", "10.10.0.0/24");
        f.allocated("blue", "ep1", "n1");
        assertThat(Fixtures.code(f.allocate("blue", "ep1", "n2"))).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void slash30HasExactlyOneEndpointAddress() {
        f.network("tiny", "192.168.7.0/30");
        // .0 network, .1 gateway, .3 broadcast: only .2 is left
        assertThat(f.allocated("tiny", "a", "n1").ip()).hasToString("192.168.7.2");
        Reply second = f.allocate("tiny", "b", "n1");
        assertThat(Fixtures.code(second)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(((Reply.Rejected) second).message()).contains("192.168.7.0/30");
    }

    @Test
    void slash32IsOneRoutedAddressWithoutGateway() {
        Network n = f.network("host", "192.168.9.9/32");
        assertThat(n.gateway()).isNull();
        assertThat(f.allocated("host", "a", null).ip()).hasToString("192.168.9.9");
        assertThat(Fixtures.code(f.allocate("host", "b", null))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void slash31HasTwoAddresses() {
        f.network("p2p", "192.168.9.0/31");
        assertThat(f.allocated("p2p", "a", null).ip()).hasToString("192.168.9.0");
        assertThat(f.allocated("p2p", "b", null).ip()).hasToString("192.168.9.1");
        assertThat(Fixtures.code(f.allocate("p2p", "c", null))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void exhaustionThenReleaseAndReuse() {
        f.network("small", "10.20.0.0/28"); // 16 addresses: 13 for endpoints
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 13; i++) {
            assertThat(seen.add(f.allocated("small", "e" + i, "n1").ip().toString())).isTrue();
        }
        long before = f.image.revision();
        FabricImage imageBefore = f.image;
        Reply full = f.allocate("small", "e13", "n1");
        assertThat(Fixtures.code(full)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(f.image.resources()).isEqualTo(imageBefore.resources());
        assertThat(before).isLessThan(f.image.revision());

        String freed = f.image.endpoint("small", "e5").orElseThrow().ip().toString();
        assertThat(f.release("small", "e5")).isInstanceOf(Reply.Ok.class);
        assertThat(f.release("small", "e5")).isEqualTo(Reply.ok(null, false)); // idempotent
        assertThat(f.allocated("small", "e13", "n1").ip()).hasToString(freed);
    }

    @Test
    void eachNodeGetsItsOwnBlockAndANewOneWhenFull() {
        f.network("blue", "10.30.0.0/24"); // four /26 blocks
        Endpoint a = f.allocated("blue", "a", "n1");
        Endpoint b = f.allocated("blue", "b", "n2");
        assertThat(a.ip()).hasToString("10.30.0.2");
        assertThat(b.ip()).hasToString("10.30.0.64");
        for (int i = 0; i < 61; i++) { // fill the rest of n1's first block (.3 .. .63)
            f.allocated("blue", "fill" + i, "n1");
        }
        Endpoint overflow = f.allocated("blue", "c", "n1");
        assertThat(overflow.ip()).hasToString("10.30.0.128");
        List<String> n1Blocks = f.image.blocks("blue").stream().filter(bl -> "n1".equals(bl.node()))
                .map(bl -> bl.cidr().toString()).toList();
        assertThat(n1Blocks).containsExactly("10.30.0.0/26", "10.30.0.128/26");
    }

    @Test
    void borrowsFromOtherBlocksWhenNoBlockIsLeft() {
        f.network("blue", "10.40.0.0/25"); // two /26 blocks
        f.allocated("blue", "a", "n1");
        f.allocated("blue", "b", "n2");
        Endpoint borrowed = f.allocated("blue", "c", "n3");
        assertThat(borrowed.ip()).hasToString("10.40.0.3");
        assertThat(f.image.blocks("blue")).hasSize(2);
    }

    @Test
    void dualStackGivesBothFamilies() {
        f.network("dual", "10.50.0.0/24", "fd00:50::/64");
        Endpoint e = f.allocated("dual", "a", "n1");
        assertThat(e.ip()).hasToString("10.50.0.2");
        assertThat(e.ip6()).hasToString("fd00:50::2");
        Endpoint e2 = f.allocated("dual", "b", "n2");
        assertThat(e2.ip6()).hasToString("fd00:50::40"); // second /122 block
        assertThat(f.image.blocks("dual")).extracting(b -> b.cidr().toString())
                .contains("fd00:50::/122", "fd00:50::40/122");
    }

    @Test
    void ipv6ExhaustionRefusesTheWholeAllocation() {
        f.network("dual", "10.60.0.0/24", "fd00:60::/126"); // v6: ::0 anycast, ::1 gateway, ::2 and ::3 free
        f.allocated("dual", "a", null);
        f.allocated("dual", "b", null);
        FabricImage before = f.image;
        assertThat(Fixtures.code(f.allocate("dual", "c", null))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(f.image.resources()).isEqualTo(before.resources()); // the free IPv4 was not taken
    }

    @Test
    void specificAddressRequests() {
        f.network("blue", "10.70.0.0/24");
        assertThat(f.allocatedAt("blue", "a", "n1", "10.70.0.200").ip()).hasToString("10.70.0.200");
        assertThat(f.image.blocks("blue")).extracting(Block::cidr).extracting(Object::toString)
                .containsExactly("10.70.0.192/26");
        assertThat(Fixtures.code(f.run(new dev.qnf.fabric.command.Allocate("blue", "b", "n1",
                dev.qnf.fabric.net.IpAddress.parse("10.70.0.200"))))).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(Fixtures.code(f.run(new dev.qnf.fabric.command.Allocate("blue", "c", "n1",
                dev.qnf.fabric.net.IpAddress.parse("10.70.0.1"))))).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(Fixtures.code(f.run(new dev.qnf.fabric.command.Allocate("blue", "d", "n1",
                dev.qnf.fabric.net.IpAddress.parse("10.71.0.5"))))).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void overlappingNetworksAreRefusedUnlessAllowed() {
        f.network("a", "10.80.0.0/16");
        Network overlapping = Network.spec("b", "10.80.128.0/24", null, null, null, null, null, null, null, null, null);
        Reply r = f.run(new CreateNetwork(overlapping));
        assertThat(Fixtures.code(r)).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(((Reply.Rejected) r).message()).contains("overlaps network a");
        Network v6clash = Network.spec("c", "10.81.0.0/24", "fd00::/48", null, null, null, null, null, null, null, null);
        assertThat(f.run(new CreateNetwork(v6clash))).isInstanceOf(Reply.Ok.class);
        Network v6clash2 = Network.spec("d", "10.82.0.0/24", "fd00:0:0:1::/64", null, null, null, null, null, null, null, null);
        assertThat(Fixtures.code(f.run(new CreateNetwork(v6clash2)))).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void overlapAllowedWhenBothSidesOptIn() {
        f.run(new CreateNetwork(Network.spec("a", "10.90.0.0/24", null, null, null, null, null, null, null, true, null)));
        Reply r = f.run(new CreateNetwork(Network.spec("b", "10.90.0.0/24", null, null, null, null, null, null, null, true, null)));
        assertThat(r).isInstanceOf(Reply.Ok.class);
        // addresses are per network, so both may hand out 10.90.0.2
        assertThat(f.allocated("a", "x", null).ip()).isEqualTo(f.allocated("b", "x", null).ip());
    }

    @Test
    void identicalCreateIsARetryAndDifferentSpecIsAConflict() {
        Network n = f.network("blue", "10.100.0.0/24");
        assertThat(f.run(new CreateNetwork(n))).isEqualTo(Reply.ok(n, false));
        Network other = Network.spec("blue", "10.100.0.0/24", null, null, null, 9000, null, null, null, null, null);
        assertThat(Fixtures.code(f.run(new CreateNetwork(other)))).isEqualTo(ErrorCode.ALREADY_EXISTS);
    }

    @Test
    void deleteRefusedWhileEndpointsExist() {
        f.network("blue", "10.110.0.0/24");
        f.allocated("blue", "a", "n1");
        assertThat(Fixtures.code(f.run(new DeleteNetwork("blue")))).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        f.release("blue", "a");
        assertThat(f.run(new DeleteNetwork("blue"))).isInstanceOf(Reply.Ok.class);
        assertThat(f.image.network("blue")).isEmpty();
        assertThat(f.image.blocks("blue")).isEmpty();
        assertThat(Fixtures.code(f.run(new DeleteNetwork("blue")))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void unknownNetworkIsNotFound() {
        assertThat(Fixtures.code(f.allocate("nope", "a", null))).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(Fixtures.code(f.release("nope", "a"))).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void specValidation() {
        assertThatThrownBy(() -> Network.spec("Blue", "10.0.0.0/24", null, null, null, null, null, null, null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("network name");
        assertThatThrownBy(() -> Network.spec("b", "fd00::/64", null, null, null, null, null, null, null, null, null))
                .hasMessageContaining("IPv4");
        assertThatThrownBy(() -> Network.spec("b", "10.0.0.0/24", null, "10.0.1.1", null, null, null, null, null, null, null))
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> Network.spec("b", "10.0.0.0/24", null, "10.0.0.255", null, null, null, null, null, null, null))
                .hasMessageContaining("broadcast");
        assertThatThrownBy(() -> Network.spec("b", "10.0.0.0/24", null, null, null, 100, null, null, null, null, null))
                .hasMessageContaining("mtu");
        assertThatThrownBy(() -> Network.spec("b", "10.0.0.0/24", null, null, null, null, null, 20, null, null, null))
                .hasMessageContaining("blockPrefix");
        assertThatThrownBy(() -> Network.spec("b", "10.0.0.0/24", "fd00::/64", null, null, 1000, null, null, null, null, null))
                .hasMessageContaining("1280");
        Network tiny = Network.spec("b", "10.0.0.0/30", null, null, null, null, null, null, null, null, null);
        assertThat(tiny.blockPrefix()).isEqualTo(30);
    }

    @Test
    void customGatewayIsReserved() {
        f.run(new CreateNetwork(Network.spec("gw", "10.120.0.0/29", null, "10.120.0.2", null, null, null, null, null, null, null)));
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ips.add(f.allocated("gw", "e" + i, null).ip().toString());
        }
        assertThat(ips).containsExactlyInAnyOrder("10.120.0.1", "10.120.0.3", "10.120.0.4", "10.120.0.5", "10.120.0.6");
        assertThat(ips.stream().collect(Collectors.toSet())).doesNotContain("10.120.0.2");
    }
}
