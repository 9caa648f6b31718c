package dev.qnf.fabric.policy;

import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.FabricMachine;
import dev.qnf.fabric.state.Reply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds images for policy tests through the real state machine: decide, then apply. */
final class PolicyWorld {
    FabricImage image = FabricImage.empty();

    Reply run(Command c) {
        Decision d = FabricMachine.decide(image, c);
        image = image.apply(d.changes(), image.revision() + 1);
        return d.reply();
    }

    Reply ok(Command c) {
        Reply r = run(c);
        if (!(r instanceof Reply.Ok)) {
            throw new AssertionError(c + " refused: " + r);
        }
        return r;
    }

    PolicyWorld network(String name, String cidr, Verdict dflt) {
        ok(new CreateNetwork(Network.spec(name, cidr, null, null, null, null, null, null, null, null, null)));
        if (dflt == Verdict.ALLOW) {
            ok(new ApplyPolicies(List.of(), List.of(new PolicyDefault(name, dflt)), List.of()));
        }
        return this;
    }

    /** An endpoint in {@code namespace} (null: none given) with {@code k=v,...} labels. */
    PolicyWorld endpoint(String network, String id, String namespace, String labels) {
        Map<String, String> l = new LinkedHashMap<>();
        if (namespace != null) {
            l.put(Labels.NAMESPACE, namespace);
        }
        if (!labels.isEmpty()) {
            for (String kv : labels.split(",")) {
                String[] p = kv.split("=", 2);
                l.put(p[0], p[1]);
            }
        }
        ok(new Allocate(network, id, "n1", null, new Attachment(id, "eth0", null, l)));
        return this;
    }

    PolicyWorld policies(Policy... policies) {
        ok(new ApplyPolicies(List.of(policies), List.of(), List.of()));
        return this;
    }

    static Selector sel(String text) {
        return Selector.parse(text);
    }

    static Selector ns(String name) {
        return Selector.labels(Map.of(Labels.NAMESPACE_NAME, name));
    }
}
