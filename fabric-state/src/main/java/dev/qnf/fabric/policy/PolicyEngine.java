package dev.qnf.fabric.policy;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.state.FabricImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates flows against an image's policies; pure, the one place that states what the policy model means (the
 * agent's nftables compilation must agree with it, and its tests compare the two).
 *
 * <p>For each direction with an endpoint on its side (egress at the sender, ingress at the receiver):
 * <ol>
 * <li>the policies that select the endpoint are those of its namespace whose selector matches its identity labels
 * and whose networks (if any) include its network;</li>
 * <li>if any deny rule of theirs for that direction matches the peer, protocol and port: deny (deny wins);</li>
 * <li>else if any allow rule matches: allow (allows add up);</li>
 * <li>else deny if the endpoint is isolated for the direction (its network's default is deny, or a selecting policy
 * isolates the direction), allow otherwise.</li>
 * </ol>
 * A flow is allowed when every checked direction allows it. World and host have no policies of their own.
 * Not modelled here because the datapath always allows them: DNS to the agent's resolver, and packets of
 * established or related connections (replies).
 */
public final class PolicyEngine {
    private PolicyEngine() {
    }

    /** Evaluates texts as {@link FlowEnd} parses them; throws {@link Unresolved} for unknown endpoints. */
    public static Explanation evaluate(FabricImage image, String from, String to, Protocol proto, int port) {
        return evaluate(image, resolve(image, FlowEnd.parse(from)), resolve(image, FlowEnd.parse(to)), proto, port);
    }

    public static Explanation evaluate(FabricImage image, Party from, Party to, Protocol proto, int port) {
        List<Reason> reasons = new ArrayList<>();
        Verdict verdict = Verdict.ALLOW;
        if (from.isEndpoint()) {
            verdict = direction(image, Direction.EGRESS, from, to, proto, port, reasons);
        }
        if (to.isEndpoint()) {
            Verdict in = direction(image, Direction.INGRESS, to, from, proto, port, reasons);
            verdict = verdict == Verdict.DENY ? Verdict.DENY : in;
        }
        if (!from.isEndpoint() && !to.isEndpoint()) {
            reasons.add(new Reason(Direction.EGRESS, from.text(), Verdict.ALLOW, null, -1,
                    "neither side is a QNF endpoint; no policy applies"));
        }
        return new Explanation(from.text(), to.text(), proto, port, verdict, reasons);
    }

    private static Verdict direction(FabricImage image, Direction d, Party subject, Party peer, Protocol proto,
                                     int port, List<Reason> reasons) {
        List<Policy> selecting = selecting(image, subject);
        List<Reason> denies = matching(selecting, d, Verdict.DENY, subject, peer, proto, port);
        if (!denies.isEmpty()) {
            reasons.addAll(denies);
            return Verdict.DENY;
        }
        List<Reason> allows = matching(selecting, d, Verdict.ALLOW, subject, peer, proto, port);
        if (!allows.isEmpty()) {
            reasons.addAll(allows);
            return Verdict.ALLOW;
        }
        String dir = d.name().toLowerCase();
        List<String> isolating = selecting.stream().filter(p -> p.isolates().contains(d)).map(Policy::ref).toList();
        Verdict dflt = subject.network() == null ? Verdict.DENY : image.policyDefault(subject.network());
        if (dflt == Verdict.DENY) {
            String net = subject.network() == null ? "no network given, so the default" : "network " + subject.network()
                    + " denies by default";
            reasons.add(new Reason(d, subject.text(), Verdict.DENY, null, -1, "no rule allows it; " + net));
            return Verdict.DENY;
        }
        if (!isolating.isEmpty()) {
            reasons.add(new Reason(d, subject.text(), Verdict.DENY, null, -1, "no rule allows it; isolated for "
                    + dir + " by " + String.join(", ", isolating)));
            return Verdict.DENY;
        }
        reasons.add(new Reason(d, subject.text(), Verdict.ALLOW, null, -1, "network " + subject.network()
                + " allows by default and no policy isolates " + dir));
        return Verdict.ALLOW;
    }

    private static List<Reason> matching(List<Policy> selecting, Direction d, Verdict action, Party subject,
                                         Party peer, Protocol proto, int port) {
        List<Reason> out = new ArrayList<>();
        for (Policy p : selecting) {
            List<Rule> rules = p.rules(d);
            for (int i = 0; i < rules.size(); i++) {
                Rule r = rules.get(i);
                if (r.action() == action && r.matchesPort(proto, port) && peerMatches(r, p.namespace(), peer)) {
                    out.add(new Reason(d, subject.text(), action, p.ref(), i, r.toString()));
                }
            }
        }
        return out;
    }

    /** The policies selecting an endpoint party, in namespace/name order. */
    public static List<Policy> selecting(FabricImage image, Party subject) {
        return image.policies(subject.namespace()).stream()
                .filter(p -> selects(p, subject.network(), subject.labels())).toList();
    }

    /**
     * Whether {@code p} selects endpoints of {@code network} with these identity labels (their namespace is in
     * them). The agent calls this per identity.
     */
    public static boolean selects(Policy p, String network, Map<String, String> identityLabels) {
        return p.namespace().equals(Labels.namespaceOf(identityLabels))
                && (p.networks().isEmpty() || p.networks().contains(network))
                && p.selector().matches(identityLabels);
    }

    private static boolean peerMatches(Rule r, String policyNamespace, Party peer) {
        return r.peers().isEmpty() || r.peers().stream().anyMatch(x -> peerMatches(x, policyNamespace, peer));
    }

    /** Whether one peer of a rule in {@code policyNamespace} matches a party; see {@link Peer} for the forms. */
    public static boolean peerMatches(Peer x, String policyNamespace, Party party) {
        if (x.entity() != null) {
            return x.entity() == party.entity();
        }
        if (x.cidr() != null) {
            return party.entity() == Entity.WORLD && party.address() != null && inCidr(x, party);
        }
        if (!party.isEndpoint()) {
            return false;
        }
        return endpointPeerMatches(x, policyNamespace, party.network(), party.labels());
    }

    /** The endpoint form of {@link #peerMatches}, per identity: what the agent compiles into identity sets. */
    public static boolean endpointPeerMatches(Peer x, String policyNamespace, String network,
                                              Map<String, String> identityLabels) {
        if (!x.selectsEndpoints()) {
            return false;
        }
        if (!x.networks().isEmpty() && !x.networks().contains(network)) {
            return false;
        }
        String ns = Labels.namespaceOf(identityLabels);
        if (x.namespaces() != null) {
            if (!x.namespaces().matches(Labels.namespaceLabels(ns))) {
                return false;
            }
        } else if (x.endpoints() != null && !ns.equals(policyNamespace)) {
            return false;
        }
        return x.endpoints() == null || x.endpoints().matches(identityLabels);
    }

    private static boolean inCidr(Peer x, Party party) {
        if (party.address().family() != x.cidr().family() || !x.cidr().contains(party.address())) {
            return false;
        }
        for (Cidr e : x.except()) {
            if (e.contains(party.address())) {
                return false;
            }
        }
        return true;
    }

    /** Resolves a flow end against the image: an unknown endpoint throws {@link Unresolved}. */
    public static Party resolve(FabricImage image, FlowEnd end) {
        if (end instanceof FlowEnd.Named n) {
            return n.entity() == Entity.HOST ? Party.host() : Party.world(null);
        } else if (end instanceof FlowEnd.Address a) {
            return image.endpointAt(a.address()).map(e -> party(e)).orElseGet(() -> Party.world(a.address()));
        } else if (end instanceof FlowEnd.Labelled l) {
            String text = (l.network() == null ? "" : l.network() + ":") + Labels.canonical(l.labels());
            return Party.endpoint(l.network(), l.labels(), null, text);
        }
        FlowEnd.EndpointRef ref = (FlowEnd.EndpointRef) end;
        if (ref.network() != null) {
            return image.endpoint(ref.network(), ref.id()).map(PolicyEngine::party)
                    .orElseThrow(() -> new Unresolved("endpoint " + ref.network() + "/" + ref.id() + " not found"));
        }
        List<Endpoint> found = image.networks().stream()
                .flatMap(n -> image.endpoint(n.name(), ref.id()).stream()).toList();
        if (found.size() != 1) {
            throw new Unresolved(found.isEmpty() ? "endpoint " + ref.id() + " not found"
                    : "endpoint id " + ref.id() + " is in several networks; write network/" + ref.id());
        }
        return party(found.get(0));
    }

    public static Party party(Endpoint e) {
        return Party.endpoint(e.network(), e.labels(), e.ip(), e.network() + "/" + e.id());
    }

    /** A test whose expectation did not hold, with what happened instead (or why it could not be evaluated). */
    public record Failure(PolicyTest test, Explanation got, String error) {
        @Override
        public String toString() {
            return "FAIL " + test + ": " + (error != null ? error : "got " + got);
        }
    }

    /** Runs policy tests against an image; empty when all pass. */
    public static List<Failure> check(FabricImage image, List<PolicyTest> tests) {
        List<Failure> failures = new ArrayList<>();
        for (PolicyTest t : tests) {
            try {
                Explanation got = evaluate(image, t.from(), t.to(), t.proto(), t.port());
                if (got.verdict() != t.expect()) {
                    failures.add(new Failure(t, got, null));
                }
            } catch (Unresolved e) {
                failures.add(new Failure(t, null, e.getMessage()));
            }
        }
        return failures;
    }

    /** A flow end naming an endpoint the image does not have. */
    public static final class Unresolved extends IllegalArgumentException {
        public Unresolved(String message) {
            super(message);
        }
    }
}
