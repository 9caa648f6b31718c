package dev.qnf.agent.nft;

import dev.qnf.agent.nft.Ruleset.Endpoint;
import dev.qnf.agent.nft.Ruleset.Network;
import dev.qnf.agent.nft.Ruleset.PortMapping;
import dev.qnf.agent.nft.Ruleset.Protocol;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** One random, valid step from a desired state: what the agent's reconcile loop might hand the firewall next. */
final class RandomChange {
    static final List<Network> POOL = List.of(
            Network.of("a", "qbr-a", "10.1.0.0/24", true),
            Network.dualStack("b", "qbr-b", "10.2.0.0/24", "fd00:2::/64", false),
            Network.dualStack("c", "qbr-c", "10.3.0.0/24", "fd00:3::/64", true));

    private RandomChange() {
    }

    static Ruleset next(Ruleset r, Random random) {
        List<Network> present = new ArrayList<>(r.networks().values());
        List<Endpoint> endpoints = new ArrayList<>(r.endpoints().values());
        int op = random.nextInt(8);
        if (present.isEmpty() || (op == 0 && present.size() < POOL.size())) {
            List<Network> absent = new ArrayList<>(POOL);
            absent.removeIf(n -> r.networks().containsKey(n.name()));
            return r.withNetwork(absent.get(random.nextInt(absent.size())));
        }
        Network n = present.get(random.nextInt(present.size()));
        switch (op) {
            case 1:
                if (present.size() > 1) {
                    return r.withoutNetwork(n.name());
                }
                // fall through
            case 2:
            case 3: {
                int host = 2 + random.nextInt(200);
                IpAddress ip4 = n.cidr4().address(host);
                IpAddress ip6 = n.cidr6() == null ? null : n.cidr6().address(host);
                boolean taken = r.endpoints().values().stream().anyMatch(e -> ip4.equals(e.ip4()));
                return taken ? r : r.withEndpoint(new Endpoint("ep" + n.name() + host, n.name(), ip4, ip6,
                        random.nextInt(1000)));
            }
            case 4:
                if (!endpoints.isEmpty()) {
                    return r.withoutEndpoint(endpoints.get(random.nextInt(endpoints.size())).id());
                }
                return r;
            case 5:
                if (!endpoints.isEmpty()) {
                    Endpoint e = endpoints.get(random.nextInt(endpoints.size()));
                    return r.withEndpoint(new Endpoint(e.id(), e.network(), e.ip4(), e.ip6(), random.nextInt(1000)));
                }
                return r;
            case 6: {
                Cidr c = random.nextBoolean() || n.cidr6() == null ? n.cidr4() : n.cidr6();
                Protocol p = random.nextBoolean() ? Protocol.TCP : Protocol.UDP;
                return r.withPort(new PortMapping(p, 8000 + random.nextInt(4), c.address(2 + random.nextInt(9)),
                        80 + random.nextInt(2)));
            }
            default:
                if (!r.ports().isEmpty() && random.nextBoolean()) {
                    PortMapping p = r.ports().get(random.nextInt(r.ports().size()));
                    return r.withoutPort(p.protocol(), p.hostPort(), p.address().family());
                }
                return r.withNetwork(new Network(n.name(), n.bridge(), n.cidr4(), n.cidr6(), !n.nat()));
        }
    }
}
