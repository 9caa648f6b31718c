package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link LinkOps} promises, run against the kernel ({@link RtnetlinkContractTest}) and against
 * {@link FakeLinkOps} ({@link FakeLinkOpsContractTest}), so reconcile tests written against the fake hold on a host.
 * Assertions stay within what the fake models (no kernel-made routes or link-local addresses).
 */
abstract class LinkOpsContract {
    private static final IpAddress V4 = IpAddress.parse("10.77.0.11");
    private static final IpAddress V6 = IpAddress.parse("fd00:77::11");

    /** The implementation under test, fresh for each test: a namespace with only lo. */
    abstract LinkOps ops();

    /** Another namespace, for veth peers. */
    abstract NetNs elsewhere();

    private static void assertErrno(Runnable call, int errno) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(NetlinkException.class,
                e -> assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno));
    }

    @Test
    void startsWithLoopbackOnly() {
        assertThat(ops().links()).extracting(Link::name).containsExactly("lo");
        assertThat(ops().link("nosuch")).isEmpty();
    }

    @Test
    void createBridgeConvergesOnABridgeButRefusesAnotherKind() {
        LinkOps ops = ops();
        Link br = ops.createBridge("qbr0", 1450);
        assertThat(br.isBridge()).isTrue();
        assertThat(br.mtu()).isEqualTo(1450);
        assertThat(ops.createBridge("qbr0", 1450)).isEqualTo(br);
        assertThat(ops.createBridge("qbr0", 1400).mtu()).isEqualTo(1400);
        ops.createVeth("qv0", "qv1", 1500, null);
        assertErrno(() -> ops.createBridge("qv0", 1500), Errno.EEXIST);
    }

    @Test
    void createVethIsStrict() {
        LinkOps ops = ops();
        ops.createVeth("qv0", "qv1", 1500, null);
        assertThat(ops.link("qv1")).get().extracting(Link::kind).isEqualTo("veth");
        assertErrno(() -> ops.createVeth("qv0", "qv2", 1500, null), Errno.EEXIST);
        assertErrno(() -> ops.createVeth("qv3", "qv1", 1500, null), Errno.EEXIST);

        ops.createVeth("qv4", "eth0", 1500, elsewhere());
        assertThat(ops.link("qv4")).isPresent();
        assertThat(ops.link("eth0")).as("the peer lives in the other namespace").isEmpty();
    }

    @Test
    void linkAttributesChangeAndMissingLinksAreEnodev() {
        LinkOps ops = ops();
        Link br = ops.createBridge("qbr0", 1500);
        ops.createVeth("qv0", "qv1", 1500, null);
        ops.setMaster("qv0", "qbr0");
        ops.setUp("qv0");
        ops.setMtu("qv0", 1400);
        ops.setMac("qv0", "02:42:AC:11:00:02");
        Link v = ops.link("qv0").orElseThrow();
        assertThat(v.masterIndex()).isEqualTo(br.index());
        assertThat(v.up()).isTrue();
        assertThat(v.mtu()).isEqualTo(1400);
        assertThat(v.mac()).isEqualTo("02:42:ac:11:00:02");
        ops.setMaster("qv0", null);
        ops.setDown("qv0");
        assertThat(ops.link("qv0").orElseThrow()).extracting(Link::masterIndex, Link::up).containsExactly(0, false);

        assertErrno(() -> ops.setUp("nosuch"), Errno.ENODEV);
        assertErrno(() -> ops.setMaster("qv0", "nosuch"), Errno.ENODEV);
        assertErrno(() -> ops.addresses("nosuch"), Errno.ENODEV);
    }

    @Test
    void renameKeepsTheIndexAndRefusesATakenName() {
        LinkOps ops = ops();
        ops.createVeth("qv0", "qv1", 1500, null);
        int index = ops.link("qv0").orElseThrow().index();
        ops.rename("qv0", "qv9");
        assertThat(ops.link("qv0")).isEmpty();
        assertThat(ops.link("qv9")).get().extracting(Link::index).isEqualTo(index);
        assertErrno(() -> ops.rename("qv9", "qv1"), Errno.EEXIST);
        assertErrno(() -> ops.rename("nosuch", "qv5"), Errno.ENODEV);
    }

    @Test
    void deleteIsIdempotentTakesTheVethPeerAndDetachesPorts() {
        LinkOps ops = ops();
        ops.createBridge("qbr0", 1500);
        ops.createVeth("qv0", "qv1", 1500, null);
        ops.setMaster("qv0", "qbr0");
        ops.deleteLink("qbr0");
        assertThat(ops.link("qv0").orElseThrow().masterIndex()).isZero();
        ops.deleteLink("qv1");
        assertThat(ops.link("qv0")).isEmpty();
        ops.deleteLink("qv1");
        ops.deleteLink("nosuch");
        assertThat(ops.links()).extracting(Link::name).containsExactly("lo");
    }

    @Test
    void addressesAreIdempotentBothWays() {
        LinkOps ops = ops();
        ops.createVeth("qv0", "qv1", 1500, null);
        int index = ops.link("qv0").orElseThrow().index();
        ops.addAddress("qv0", V4, 24);
        ops.addAddress("qv0", V4, 24);
        ops.addAddress("qv0", V6, 64);
        ops.addAddress("qv0", V6, 64);
        assertThat(ops.addresses("qv0")).contains(new Address(index, V4, 24), new Address(index, V6, 64));
        assertErrno(() -> ops.addAddress("qv0", V6, 80), Errno.EEXIST);

        ops.deleteAddress("qv0", V4, 24);
        ops.deleteAddress("qv0", V4, 24);
        ops.deleteAddress("qv0", V6, 64);
        ops.deleteAddress("nosuch", V6, 64);
        assertThat(ops.addresses("qv0")).extracting(Address::ip).doesNotContain(V4, V6);
    }

    @Test
    void proxyNeighborsAreIdempotentPerLinkAndGoWithTheirLink() {
        LinkOps ops = ops();
        ops.createBridge("qbr0", 1500);
        ops.createBridge("qbr1", 1500);
        ProxyNeighbor a = new ProxyNeighbor(V6, "qbr0");
        ProxyNeighbor b = new ProxyNeighbor(IpAddress.parse("fd00:77::12"), "qbr0");
        ProxyNeighbor c = new ProxyNeighbor(V6, "qbr1");
        assertThat(ops.proxyNeighbors(6)).isEmpty();
        ops.addProxyNeighbor(a);
        ops.addProxyNeighbor(a);
        ops.addProxyNeighbor(b);
        ops.addProxyNeighbor(c);
        assertThat(ops.proxyNeighbors(6)).containsExactlyInAnyOrder(a, b, c);
        assertThat(ops.proxyNeighbors(4)).isEmpty();
        ops.deleteProxyNeighbor(b);
        ops.deleteProxyNeighbor(b);
        ops.deleteProxyNeighbor(new ProxyNeighbor(V6, "nosuch"));
        assertThat(ops.proxyNeighbors(6)).containsExactlyInAnyOrder(a, c);
        ops.deleteLink("qbr1");
        assertThat(ops.proxyNeighbors(6)).containsExactly(a);
        assertErrno(() -> ops.addProxyNeighbor(new ProxyNeighbor(V6, "nosuch")), Errno.ENODEV);
    }

    @Test
    void addRouteIsStrictReplaceConvergesDeleteIsIdempotent() {
        LinkOps ops = ops();
        ops.createVeth("qv0", "qv1", 1500, null);
        ops.setUp("qv1");
        ops.setUp("qv0");
        ops.addAddress("qv0", V4, 24);
        ops.addAddress("qv0", V6, 64);
        Route r4 = Route.via(Cidr.parse("10.88.0.0/16"), IpAddress.parse("10.77.0.9"), "qv0").withMetric(50);
        Route r6 = Route.defaultVia(IpAddress.parse("fd00:77::1"), "qv0");
        ops.addRoute(r4);
        ops.addRoute(r6);
        assertErrno(() -> ops.addRoute(r4), Errno.EEXIST);
        Route other = Route.via(r4.destination(), IpAddress.parse("10.77.0.8"), "qv0").withMetric(50);
        assertErrno(() -> ops.addRoute(other), Errno.EEXIST);
        assertThat(ops.routes(6)).as("IPv6 metric 0 is stored as 1024").contains(r6.withMetric(1024));

        ops.replaceRoute(other);
        ops.replaceRoute(other);
        assertThat(ops.routes(4)).contains(other).doesNotContain(r4);

        ops.deleteRoute(other);
        ops.deleteRoute(other);
        ops.deleteRoute(r6);
        ops.deleteRoute(Route.onLink(Cidr.parse("192.0.2.0/24"), "nosuch"));
        assertThat(ops.routes(4)).doesNotContain(other);
        assertThat(ops.routes(6)).doesNotContain(r6.withMetric(1024));
        assertErrno(() -> ops.addRoute(Route.onLink(Cidr.parse("192.0.2.0/24"), "nosuch")), Errno.ENODEV);
    }
}
