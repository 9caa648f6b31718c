package dev.qnf.fabric.state;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.IpAddress;

/** A tiny single-threaded "cluster": decide, then apply, with the revision advancing per command. */
final class Fixtures {
    FabricImage image = FabricImage.empty();

    Reply run(Command c) {
        Decision d = FabricMachine.decide(image, c);
        image = image.apply(d.changes(), image.revision() + 1);
        return d.reply();
    }

    Network network(String name, String cidr) {
        return network(name, cidr, null);
    }

    Network network(String name, String cidr, String cidr6) {
        Network n = Network.spec(name, cidr, cidr6, null, null, null, null, null, null, null, null);
        Reply r = run(new CreateNetwork(n));
        if (!(r instanceof Reply.Ok)) {
            throw new AssertionError("create failed: " + r);
        }
        return n;
    }

    Reply allocate(String network, String endpoint, String node) {
        return run(new Allocate(network, endpoint, node, null));
    }

    Endpoint allocated(String network, String endpoint, String node) {
        Reply r = allocate(network, endpoint, node);
        if (r instanceof Reply.Ok ok) {
            return (Endpoint) ok.resource();
        }
        throw new AssertionError("allocation failed: " + r);
    }

    Endpoint allocatedAt(String network, String endpoint, String node, String ip) {
        Reply r = run(new Allocate(network, endpoint, node, IpAddress.parse(ip)));
        if (r instanceof Reply.Ok ok) {
            return (Endpoint) ok.resource();
        }
        throw new AssertionError("allocation failed: " + r);
    }

    Reply release(String network, String endpoint) {
        return run(new Release(network, endpoint));
    }

    static ErrorCode code(Reply r) {
        return r instanceof Reply.Rejected rej ? rej.code() : null;
    }
}
