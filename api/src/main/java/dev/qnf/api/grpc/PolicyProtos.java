package dev.qnf.api.grpc;

import dev.qnf.api.json.ExplainView;
import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyDefaultView;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyTestView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.api.v1.ApplyPoliciesRequest;
import dev.qnf.api.v1.ExplainResponse;
import dev.qnf.api.v1.Identity;
import dev.qnf.api.v1.LabelSelector;
import dev.qnf.api.v1.Policy;
import dev.qnf.api.v1.PolicyDefault;
import dev.qnf.api.v1.PolicyPeer;
import dev.qnf.api.v1.PolicyPort;
import dev.qnf.api.v1.PolicyRule;
import dev.qnf.api.v1.PolicyTest;

import java.util.List;
import java.util.function.Function;

/**
 * Policy messages to and from the REST wire records ({@link PolicyView} and friends), field for field. Meaning and
 * validation stay in one place, {@link dev.qnf.api.policy.PolicyViews}: gRPC goes through the same records as REST,
 * so both surfaces accept and refuse exactly the same policies. An empty repeated field reads as an absent JSON
 * list, which is what it means there (e.g. no peers: every peer).
 */
final class PolicyProtos {
    private PolicyProtos() {
    }

    // ------------------------------------------------------------------ proto -> wire records

    static PolicyFile file(ApplyPoliciesRequest r) {
        return new PolicyFile(list(r.getPoliciesList(), PolicyProtos::view),
                r.getDefaultsMap().isEmpty() ? null : r.getDefaultsMap(),
                list(r.getTestsList(), PolicyProtos::view));
    }

    static PolicyView view(Policy p) {
        return new PolicyView(p.getNamespace().isEmpty() ? null : p.getNamespace(), p.getName(),
                p.hasSelector() ? view(p.getSelector()) : null, list(p.getNetworksList(), s -> s),
                list(p.getIsolateList(), s -> s), list(p.getIngressList(), PolicyProtos::view),
                list(p.getEgressList(), PolicyProtos::view), null);
    }

    private static RuleView view(PolicyRule r) {
        return new RuleView(r.hasAction() ? r.getAction() : null, list(r.getFromList(), PolicyProtos::view),
                list(r.getToList(), PolicyProtos::view), list(r.getPortsList(), PolicyProtos::view));
    }

    private static PeerView view(PolicyPeer p) {
        return new PeerView(p.hasEndpoints() ? view(p.getEndpoints()) : null,
                p.hasNamespaces() ? view(p.getNamespaces()) : null, list(p.getNetworksList(), s -> s),
                p.hasCidr() ? p.getCidr() : null, list(p.getExceptList(), s -> s),
                p.hasEntity() ? p.getEntity() : null);
    }

    private static PortView view(PolicyPort p) {
        return new PortView(p.hasProtocol() ? p.getProtocol() : null, p.hasPort() ? p.getPort() : null,
                p.hasEndPort() ? p.getEndPort() : null);
    }

    private static SelectorView view(LabelSelector s) {
        return new SelectorView(s.getMatchLabelsMap().isEmpty() ? null : s.getMatchLabelsMap(),
                list(s.getMatchExpressionsList(), e -> new SelectorView.Expression(e.getKey(), e.getOperator(),
                        list(e.getValuesList(), v -> v))));
    }

    private static PolicyTestView view(PolicyTest t) {
        return new PolicyTestView(t.getFrom(), t.getTo(), t.hasPort() ? t.getPort() : null,
                t.hasProto() ? t.getProto() : null, t.getExpect());
    }

    /** Null for an empty list, as an absent JSON list reads. */
    private static <P, V> List<V> list(List<P> in, Function<P, V> f) {
        return in.isEmpty() ? null : in.stream().map(f).toList();
    }

    // ------------------------------------------------------------------ wire records -> proto

    static Policy policy(PolicyView v) {
        Policy.Builder b = Policy.newBuilder().setNamespace(v.namespace()).setName(v.name());
        if (v.selector() != null) {
            b.setSelector(selector(v.selector()));
        }
        each(v.networks(), b::addNetworks);
        each(v.isolate(), b::addIsolate);
        each(v.ingress(), r -> b.addIngress(rule(r)));
        each(v.egress(), r -> b.addEgress(rule(r)));
        return b.build();
    }

    private static PolicyRule rule(RuleView r) {
        PolicyRule.Builder b = PolicyRule.newBuilder();
        if (r.action() != null) {
            b.setAction(r.action());
        }
        each(r.from(), p -> b.addFrom(peer(p)));
        each(r.to(), p -> b.addTo(peer(p)));
        each(r.ports(), p -> b.addPorts(port(p)));
        return b.build();
    }

    private static PolicyPeer peer(PeerView p) {
        PolicyPeer.Builder b = PolicyPeer.newBuilder();
        if (p.endpoints() != null) {
            b.setEndpoints(selector(p.endpoints()));
        }
        if (p.namespaces() != null) {
            b.setNamespaces(selector(p.namespaces()));
        }
        each(p.networks(), b::addNetworks);
        if (p.cidr() != null) {
            b.setCidr(p.cidr());
        }
        each(p.except(), b::addExcept);
        if (p.entity() != null) {
            b.setEntity(p.entity());
        }
        return b.build();
    }

    private static PolicyPort port(PortView p) {
        PolicyPort.Builder b = PolicyPort.newBuilder();
        if (p.protocol() != null) {
            b.setProtocol(p.protocol());
        }
        if (p.port() != null) {
            b.setPort(p.port());
        }
        if (p.endPort() != null) {
            b.setEndPort(p.endPort());
        }
        return b.build();
    }

    private static LabelSelector selector(SelectorView s) {
        LabelSelector.Builder b = LabelSelector.newBuilder();
        if (s.matchLabels() != null) {
            b.putAllMatchLabels(s.matchLabels());
        }
        each(s.matchExpressions(), e -> {
            LabelSelector.Expression.Builder x = LabelSelector.Expression.newBuilder().setKey(e.key())
                    .setOperator(e.operator());
            each(e.values(), x::addValues);
            b.addMatchExpressions(x);
        });
        return b.build();
    }

    static Identity identity(IdentityView i) {
        return Identity.newBuilder().setId(i.id()).setNetwork(i.network()).putAllLabels(i.labels()).build();
    }

    static PolicyDefault policyDefault(PolicyDefaultView d) {
        return PolicyDefault.newBuilder().setNetwork(d.network()).setVerdict(d.verdict()).build();
    }

    static ExplainResponse explain(ExplainView e) {
        ExplainResponse.Builder b = ExplainResponse.newBuilder().setVerdict(e.verdict()).setFrom(text(e.from()))
                .setTo(text(e.to())).setProto(text(e.proto())).setPort(e.port()).setRevision(e.revision());
        for (ExplainView.Reason r : e.reasons()) {
            ExplainResponse.Reason.Builder rb = ExplainResponse.Reason.newBuilder().setDirection(r.direction())
                    .setEndpoint(text(r.endpoint())).setVerdict(r.verdict()).setText(text(r.text()));
            if (r.policy() != null) {
                rb.setPolicy(r.policy());
            }
            if (r.rule() != null) {
                rb.setRule(r.rule());
            }
            b.addReasons(rb);
        }
        return b.build();
    }

    /** Proto strings have no null: absent text is empty. */
    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static <T> void each(List<T> l, java.util.function.Consumer<T> f) {
        if (l != null) {
            l.forEach(f);
        }
    }
}
