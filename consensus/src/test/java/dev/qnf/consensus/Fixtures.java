package dev.qnf.consensus;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.Reply;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Commands and checks shared by the tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static CreateNetwork network(String name, String cidr) {
        return new CreateNetwork(Network.spec(name, cidr, null, null, null, null, null, null, null, null, Map.of()));
    }

    public static Allocate allocate(String network, String endpoint) {
        return new Allocate(network, endpoint, null, null);
    }

    public static Endpoint endpointOf(Reply reply) {
        if (reply instanceof Reply.Ok ok && ok.resource() instanceof Endpoint e) {
            return e;
        }
        throw new AssertionError("expected an endpoint, got " + reply);
    }

    /** Endpoint ids of a network, sorted. */
    public static Set<String> endpointIds(FabricImage image, String network) {
        return image.endpoints(network).stream().map(Endpoint::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Invariant "no address held twice". */
    public static void assertAddressesUnique(FabricImage image, String network) {
        Set<String> seen = new TreeSet<>();
        for (Endpoint e : image.endpoints(network)) {
            if (!seen.add(e.ip().toString())) {
                throw new AssertionError("address " + e.ip() + " held twice in " + network);
            }
        }
    }
}
