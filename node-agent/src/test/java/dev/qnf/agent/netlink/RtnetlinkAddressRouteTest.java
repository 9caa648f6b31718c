package dev.qnf.agent.netlink;

import dev.qnf.agent.sys.Errno;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.agent.testing.TestNamespaces;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses and routes in a real network namespace, checked with iproute2. */
@Tag("root")
class RtnetlinkAddressRouteTest {
    private static final IpAddress V4 = IpAddress.parse("10.77.0.11");
    private static final IpAddress V6 = IpAddress.parse("fd00:77::11");
    private static final IpAddress GW4 = IpAddress.parse("10.77.0.1");
    private static final IpAddress GW6 = IpAddress.parse("fd00:77::1");

    /** A namespace with eth0 (a veth whose peer is in a second namespace), up. */
    private static Rtnetlink containerWithEth0(TestNamespaces ns, NetNs container) {
        NetNs host = ns.add("host");
        try (Rtnetlink rt = Rtnetlink.open(host)) {
            rt.createVeth("qv0", "eth0", 1500, container);
            rt.setUp("qv0");
        }
        Rtnetlink inside = Rtnetlink.open(container);
        try {
            inside.setUp("eth0");
        } catch (RuntimeException e) {
            inside.close();
            throw e;
        }
        return inside;
    }

    @Test
    void addsBothFamiliesIdempotentlyWithoutDadAndListsWhatIpLists() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                rt.addAddress("eth0", V6, 64);
                rt.addAddress("eth0", V4, 24);
                rt.addAddress("eth0", V6, 64);

                int index = rt.link("eth0").orElseThrow().index();
                assertThat(rt.addresses("eth0")).contains(new Address(index, V4, 24), new Address(index, V6, 64));
                assertThat(rt.addresses("eth0")).containsExactlyInAnyOrderElementsOf(IpCli.addresses(container, "eth0"));
                assertThat(rt.addresses("lo")).containsExactlyInAnyOrderElementsOf(IpCli.addresses(container, "lo"));
                assertThat(IpCli.addressInfo(container, "eth0"))
                        .filteredOn(a -> a.get("local").asText().equals(V6.toString())).singleElement()
                        .satisfies(a -> assertThat(a.has("tentative")).as("nodad: usable at once").isFalse());
            }
        }
    }

    @Test
    void anAddressPresentWithAnotherPrefixIsNotSilentlyAccepted() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V6, 64);
                assertThatThrownBy(() -> rt.addAddress("eth0", V6, 80))
                        .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.is(Errno.EEXIST)).isTrue())
                        .hasMessageContaining("already on eth0 with another prefix length");
            }
        }
    }

    @Test
    void deletingAnAddressIsIdempotent() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                rt.addAddress("eth0", V6, 64);
                rt.deleteAddress("eth0", V4, 24);
                rt.deleteAddress("eth0", V6, 64);
                rt.deleteAddress("eth0", V4, 24);
                rt.deleteAddress("eth0", V6, 64);
                rt.deleteAddress("nosuch", V4, 24);
                assertThat(rt.addresses("eth0")).extracting(Address::ip).doesNotContain(V4, V6);
                assertThat(IpCli.addresses(container, "eth0")).extracting(Address::ip).doesNotContain(V4, V6);
            }
        }
    }

    @Test
    void defaultRoutesViaGatewaysInBothFamilies() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                rt.addAddress("eth0", V6, 64);
                Route default4 = Route.defaultVia(GW4, "eth0");
                Route default6 = Route.defaultVia(GW6, "eth0");
                rt.replaceRoute(default4);
                rt.replaceRoute(default6);
                rt.replaceRoute(default4);
                rt.replaceRoute(default6);

                assertThat(rt.routes(4)).contains(default4);
                assertThat(rt.routes(6)).contains(default6.withMetric(1024));
                assertThat(IpCli.json(container, "-4", "route", "show", "default").get(0).get("gateway").asText())
                        .isEqualTo("10.77.0.1");
                assertThat(IpCli.json(container, "-6", "route", "show", "default").get(0).get("gateway").asText())
                        .isEqualTo("fd00:77::1");
                assertThat(IpCli.json(container, "-4", "route", "get", "192.0.2.1").get(0).get("gateway").asText())
                        .isEqualTo("10.77.0.1");
            }
        }
    }

    @Test
    void addIsStrictReplaceConvergesDeleteIsIdempotent() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                Route r = Route.via(Cidr.parse("10.88.0.0/16"), IpAddress.parse("10.77.0.9"), "eth0").withMetric(50);
                rt.addRoute(r);
                assertThatThrownBy(() -> rt.addRoute(r))
                        .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.is(Errno.EEXIST)).isTrue());

                Route moved = Route.via(Cidr.parse("10.88.0.0/16"), IpAddress.parse("10.77.0.8"), "eth0").withMetric(50);
                rt.replaceRoute(moved);
                assertThat(rt.routes(4)).contains(moved).doesNotContain(r);

                rt.deleteRoute(moved);
                rt.deleteRoute(moved);
                rt.deleteRoute(Route.onLink(Cidr.parse("192.0.2.0/24"), "nosuch"));
                assertThat(rt.routes(4)).doesNotContain(moved);
            }
        }
    }

    @Test
    void anOffLinkGatewayIsRefusedWithTheKernelsReason() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                assertThatThrownBy(() -> rt.addRoute(Route.defaultVia(IpAddress.parse("10.99.0.1"), "eth0")))
                        .isInstanceOfSatisfying(NetlinkException.class, e -> {
                            assertThat(e.errno()).isEqualTo(101); // ENETUNREACH
                            assertThat(e.kernelMessage()).contains("Nexthop has invalid gateway");
                        })
                        .hasMessageStartingWith("add route default via 10.99.0.1 dev eth0 (RTM_NEWROUTE): ")
                        .hasMessageContaining("Network is unreachable");
            }
        }
    }

    @Test
    void routeListingSeesExactlyWhatIpSees() {
        try (TestNamespaces ns = TestNamespaces.create()) {
            NetNs container = ns.add("ctr");
            try (Rtnetlink rt = containerWithEth0(ns, container)) {
                rt.addAddress("eth0", V4, 24);
                rt.addAddress("eth0", V6, 64);
                rt.addRoute(Route.defaultVia(GW4, "eth0"));
                rt.addRoute(Route.defaultVia(GW6, "eth0"));
                rt.addRoute(Route.via(Cidr.parse("10.88.0.0/16"), IpAddress.parse("10.77.0.9"), "eth0").withMetric(50));
                rt.addRoute(Route.onLink(Cidr.parse("192.0.2.7/32"), "eth0"));
                rt.addRoute(Route.via(Cidr.parse("fd00:99::/64"), IpAddress.parse("fd00:77::9"), null));

                assertThat(rt.routes(4)).hasSize(4).containsExactlyInAnyOrderElementsOf(IpCli.routes(container, 4));
                assertThat(rt.routes(6)).containsExactlyInAnyOrderElementsOf(IpCli.routes(container, 6));
                assertThat(rt.routes(6)).contains(
                        Route.via(Cidr.parse("fd00:99::/64"), IpAddress.parse("fd00:77::9"), "eth0").withMetric(1024));
            }
        }
    }
}
