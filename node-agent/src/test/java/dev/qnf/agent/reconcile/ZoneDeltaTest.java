package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.control.Views;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.testing.RandomFabric;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent updates each network's zone by what changed ({@link Zones}, {@link DnsRecords#update}). Whatever the
 * sequence of changes, the zone must be the one a build from nothing gives: random sequences of endpoints added,
 * removed, relabelled (names shared, upper case and invalid; aliases claimed twice or shadowed by a real name; SRV
 * labels good and bad) and readdressed (onto another endpoint's address), a network coming and going, this host's
 * attachments overriding the view (newer addresses, endpoints the view does not have yet, some without an address
 * whose SRV record depends on another endpoint holding its name), releases pending and
 * orphans, and now and then another domain; compared after every step.
 */
class ZoneDeltaTest {
    static final String NODE = RandomFabric.NODE;

    @Test
    void afterEveryRandomChangeTheUpdatedZoneIsTheFreshOne() {
        for (long seed = 1; seed <= 20; seed++) {
            RandomFabric fabric = new RandomFabric(seed, true);
            Random pick = new Random(seed);
            String domain = "qnf.internal";
            for (int step = 0; step < 100; step++) {
                String change = fabric.step();
                FabricView view = fabric.view();
                if (pick.nextInt(40) == 0) {
                    domain = domain.equals("qnf.internal") ? "other.test" : "qnf.internal";
                    change += ", domain " + domain;
                }
                List<LocalAttachment> live = new ArrayList<>();
                List<LocalAttachment> orphaned = new ArrayList<>();
                Set<String> pending = new HashSet<>();
                attachments(view, pick, live, orphaned, pending);
                DesiredState.Inputs in = new DesiredState.Inputs(view, live, pending, NODE, domain);
                List<DesiredState.HostNetwork> networks = view.networks().stream()
                        .map(n -> new DesiredState.HostNetwork(n, HostNames.bridge(n.name()))).toList();

                Map<String, DnsZone> updated = Zones.build(networks, view, live, in, orphaned);
                Map<String, DnsZone> fresh = Zones.fresh(networks, view, live, in, orphaned);

                String where = "seed " + seed + ", step " + step + " (" + change + ")";
                assertThat(updated.keySet()).as(where).isEqualTo(fresh.keySet());
                fresh.forEach((net, zone) -> {
                    DnsRecords u = updated.get(net).records();
                    DnsRecords f = zone.records();
                    assertThat(u.names()).as(where + " " + net).isEqualTo(f.names());
                    assertThat(u.unnamed()).as(where + " " + net).isEqualTo(f.unnamed());
                    assertThat(u.sameRecords(f)).as(where + " " + net + ": " + u + " vs " + f).isTrue();
                });
            }
        }
    }

    /**
     * This host's side at random: some of its endpoints have attachments (a few newer than the view, with another
     * address), one attachment the view does not know yet, some releases pending, now and then an orphan.
     */
    private static void attachments(FabricView view, Random pick, List<LocalAttachment> live,
                                    List<LocalAttachment> orphaned, Set<String> pending) {
        for (Endpoint e : view.endpointsOn(NODE)) {
            int dice = pick.nextInt(10);
            Network n = view.network(e.network()).orElse(null);
            if (n == null) {
                continue; // the network is gone from the view, its endpoints not yet
            }
            if (dice < 4) {
                live.add(attachment(n, e.id(), str(e.ip()), str(e.ip6()), e.labels(), view.revision()));
            } else if (dice < 5) {
                String ip = e.ip() == null ? null
                        : e.ip().toString().replaceFirst("\\.\\d+$", "." + (100 + pick.nextInt(50)));
                live.add(attachment(n, e.id(), ip, null, Map.of("name", "Local" + pick.nextInt(3)),
                        view.revision() + 1));
            } else if (dice < 6) {
                pending.add(LocalAttachment.key(e.network(), e.id()));
            } else if (dice < 7) {
                orphaned.add(attachment(n, e.id(), str(e.ip()), null, e.labels(), view.revision()));
            }
        }
        for (Network n : view.networks()) {
            if (pick.nextBoolean()) {
                // with an address and an alias, or none (yet) and an SRV record that resolves only while another
                // endpoint has its name
                boolean addressed = pick.nextBoolean();
                String ip = n.cidr().toString().replaceFirst("\\.0/\\d+$", "." + (200 + pick.nextInt(20)));
                live.add(attachment(n, "new" + pick.nextInt(3), addressed ? ip : null, null, addressed
                        ? Map.of("alias.qnf.dev/al0", "true")
                        : Map.of("name", "x" + pick.nextInt(9), "srv.qnf.dev/ldap.tcp", "389"), view.revision() + 1));
            }
        }
    }

    private static LocalAttachment attachment(Network n, String id, String ip, String ip6, Map<String, String> labels,
                                              long revision) {
        return new LocalAttachment(n.name(), id, "c-" + id, "eth0", "/var/run/netns/c-" + id,
                HostNames.veth(n.name(), id), null, ip, ip6, List.of(), labels, Views.view(n), revision);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
