package dev.qnf.api.policy;

import dev.qnf.api.json.IdentityView;
import dev.qnf.api.json.PeerView;
import dev.qnf.api.json.PolicyDefaultView;
import dev.qnf.api.json.PolicyFile;
import dev.qnf.api.json.PolicyTestView;
import dev.qnf.api.json.PolicyView;
import dev.qnf.api.json.PortView;
import dev.qnf.api.json.RuleView;
import dev.qnf.api.json.SelectorView;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.policy.Direction;
import dev.qnf.fabric.policy.Entity;
import dev.qnf.fabric.policy.Labels;
import dev.qnf.fabric.policy.Peer;
import dev.qnf.fabric.policy.PolicyTest;
import dev.qnf.fabric.policy.PortRange;
import dev.qnf.fabric.policy.Protocol;
import dev.qnf.fabric.policy.Requirement;
import dev.qnf.fabric.policy.Rule;
import dev.qnf.fabric.policy.Selector;
import dev.qnf.fabric.policy.Verdict;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one translation between the policy wire form ({@link PolicyView}, {@link PolicyFile}) and the domain
 * ({@link Policy}, {@link PolicyTest}, {@link PolicyDefault}). Reading validates everything and throws
 * {@link InvalidInputException} naming the policy and the field; the server, the CLI and the agent all use it.
 */
public final class PolicyViews {
    private PolicyViews() {
    }

    // ------------------------------------------------------------------ wire -> domain

    public static Policy toPolicy(PolicyView v) {
        Objects.requireNonNull(v, "policy");
        String ns = v.namespace() == null || v.namespace().isBlank() ? Labels.DEFAULT_NAMESPACE : v.namespace();
        String where = "policy " + ns + "/" + (v.name() == null ? "?" : v.name());
        try {
            Set<Direction> isolate = EnumSet.noneOf(Direction.class);
            for (String d : list(v.isolate())) {
                isolate.add(direction(d));
            }
            return Policy.of(ns, v.name(), selector(v.selector(), Selector.ALL), v.networks(), isolate,
                    rules(v.ingress(), Direction.INGRESS), rules(v.egress(), Direction.EGRESS));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
    }

    /** A whole policy file as one command: every policy, default and test validated. */
    public static ApplyPolicies toCommand(PolicyFile f) {
        if (f == null || (list(f.policies()).isEmpty() && (f.defaults() == null || f.defaults().isEmpty())
                && list(f.tests()).isEmpty())) {
            throw new InvalidInputException("a policy file needs policies, defaults or tests");
        }
        return new ApplyPolicies(toPolicies(f), toDefaults(f), toTests(f));
    }

    public static List<Policy> toPolicies(PolicyFile f) {
        List<Policy> out = new ArrayList<>();
        list(f.policies()).forEach(p -> out.add(toPolicy(p)));
        return out;
    }

    public static List<PolicyDefault> toDefaults(PolicyFile f) {
        List<PolicyDefault> out = new ArrayList<>();
        if (f.defaults() != null) {
            new TreeMap<>(f.defaults()).forEach((net, verdict) -> out.add(new PolicyDefault(net, verdict(verdict,
                    "default of network " + net))));
        }
        return out;
    }

    public static List<PolicyTest> toTests(PolicyFile f) {
        List<PolicyTest> out = new ArrayList<>();
        List<PolicyTestView> tests = list(f.tests());
        for (int i = 0; i < tests.size(); i++) {
            PolicyTestView t = tests.get(i);
            try {
                Protocol proto = Protocol.parse(t.proto(), Protocol.TCP);
                out.add(new PolicyTest(t.from(), t.to(), proto, t.port() == null ? 0 : t.port(),
                        verdict(t.expect(), "expect")));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("test " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static List<Rule> rules(List<RuleView> rules, Direction d) {
        List<Rule> out = new ArrayList<>();
        List<RuleView> in = list(rules);
        String dir = d.name().toLowerCase(Locale.ROOT);
        for (int i = 0; i < in.size(); i++) {
            RuleView r = in.get(i);
            try {
                if (r == null) {
                    throw new InvalidInputException("rule is null");
                }
                if (d == Direction.INGRESS && r.to() != null) {
                    throw new InvalidInputException("ingress rules name peers in 'from', not 'to'");
                }
                if (d == Direction.EGRESS && r.from() != null) {
                    throw new InvalidInputException("egress rules name peers in 'to', not 'from'");
                }
                Verdict action = r.action() == null ? Verdict.ALLOW : verdict(r.action(), "action");
                List<Peer> peers = new ArrayList<>();
                for (PeerView p : list(d == Direction.INGRESS ? r.from() : r.to())) {
                    peers.add(peer(p));
                }
                List<PortRange> ports = new ArrayList<>();
                for (PortView p : list(r.ports())) {
                    ports.add(port(p));
                }
                out.add(new Rule(action, peers, ports));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(dir + "[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    private static Peer peer(PeerView p) {
        if (p == null) {
            throw new InvalidInputException("peer is null");
        }
        Entity entity = null;
        if (p.entity() != null) {
            entity = switch (p.entity().toLowerCase(Locale.ROOT)) {
                case "world" -> Entity.WORLD;
                case "host" -> Entity.HOST;
                default -> throw new InvalidInputException("entity '" + p.entity() + "' is not world or host");
            };
        }
        Cidr cidr = p.cidr() == null ? null : Cidr.parse(p.cidr());
        List<Cidr> except = list(p.except()).stream().map(Cidr::parse).toList();
        return new Peer(selector(p.endpoints(), null), selector(p.namespaces(), null), p.networks(), cidr, except,
                entity);
    }

    private static PortRange port(PortView p) {
        if (p == null) {
            throw new InvalidInputException("port is null");
        }
        Protocol proto = Protocol.parse(p.protocol(), Protocol.TCP);
        if (p.port() == null) {
            if (p.endPort() != null) {
                throw new InvalidInputException("endPort needs port");
            }
            return PortRange.all(proto);
        }
        if (p.port() == 0) {
            throw new InvalidInputException("port 0 is not a port; leave it out for every port");
        }
        return new PortRange(proto, p.port(), p.endPort() == null ? p.port() : p.endPort());
    }

    /** Null stays {@code absent}: for peers, absent and empty selectors mean different things. */
    private static Selector selector(SelectorView s, Selector absent) {
        if (s == null) {
            return absent;
        }
        List<Requirement> reqs = new ArrayList<>();
        for (SelectorView.Expression e : list(s.matchExpressions())) {
            if (e == null || e.operator() == null) {
                throw new InvalidInputException("matchExpressions item needs key and operator");
            }
            reqs.add(new Requirement(e.key(), operator(e.operator()), e.values()));
        }
        return new Selector(s.matchLabels(), reqs);
    }

    private static Requirement.Operator operator(String op) {
        return switch (op) {
            case "In" -> Requirement.Operator.IN;
            case "NotIn" -> Requirement.Operator.NOT_IN;
            case "Exists" -> Requirement.Operator.EXISTS;
            case "DoesNotExist" -> Requirement.Operator.DOES_NOT_EXIST;
            default -> throw new InvalidInputException("operator '" + op + "' is not In, NotIn, Exists or DoesNotExist");
        };
    }

    private static Direction direction(String d) {
        return switch (d == null ? "" : d.toLowerCase(Locale.ROOT)) {
            case "ingress" -> Direction.INGRESS;
            case "egress" -> Direction.EGRESS;
            default -> throw new InvalidInputException("isolate '" + d + "' is not ingress or egress");
        };
    }

    public static Verdict verdict(String text, String field) {
        return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
            case "allow" -> Verdict.ALLOW;
            case "deny" -> Verdict.DENY;
            default -> throw new InvalidInputException(field + " '" + text + "' is not allow or deny");
        };
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    // ------------------------------------------------------------------ domain -> wire

    public static PolicyView view(Policy p, Long revision) {
        List<String> extra = new ArrayList<>();
        for (Direction d : Direction.values()) {
            boolean implied = p.rules(d).stream().anyMatch(r -> r.action() == Verdict.ALLOW);
            if (p.isolates().contains(d) && !implied) {
                extra.add(lower(d));
            }
        }
        return new PolicyView(p.namespace(), p.name(), view(p.selector()), p.networks().isEmpty() ? null : p.networks(),
                extra.isEmpty() ? null : extra, ruleViews(p.ingress(), Direction.INGRESS),
                ruleViews(p.egress(), Direction.EGRESS), revision);
    }

    private static List<RuleView> ruleViews(List<Rule> rules, Direction d) {
        if (rules.isEmpty()) {
            return null;
        }
        return rules.stream().map(r -> {
            List<PeerView> peers = r.peers().isEmpty() ? null : r.peers().stream().map(PolicyViews::view).toList();
            List<PortView> ports = r.ports().isEmpty() ? null : r.ports().stream().map(PolicyViews::view).toList();
            return new RuleView(lower(r.action()), d == Direction.INGRESS ? peers : null,
                    d == Direction.EGRESS ? peers : null, ports);
        }).toList();
    }

    private static PeerView view(Peer p) {
        return new PeerView(p.endpoints() == null ? null : view(p.endpoints()),
                p.namespaces() == null ? null : view(p.namespaces()), p.networks().isEmpty() ? null : p.networks(),
                p.cidr() == null ? null : p.cidr().toString(),
                p.except().isEmpty() ? null : p.except().stream().map(Cidr::toString).toList(),
                p.entity() == null ? null : lower(p.entity()));
    }

    private static PortView view(PortRange r) {
        return new PortView(lower(r.protocol()), r.allPorts() ? null : r.from(),
                r.allPorts() || r.from() == r.to() ? null : r.to());
    }

    private static SelectorView view(Selector s) {
        List<SelectorView.Expression> exprs = s.matchExpressions().stream().map(e -> new SelectorView.Expression(
                e.key(), switch (e.operator()) {
                    case IN -> "In";
                    case NOT_IN -> "NotIn";
                    case EXISTS -> "Exists";
                    case DOES_NOT_EXIST -> "DoesNotExist";
                }, e.values().isEmpty() ? null : e.values())).toList();
        return new SelectorView(s.matchLabels().isEmpty() ? null : new TreeMap<>(s.matchLabels()),
                exprs.isEmpty() ? null : exprs);
    }

    public static IdentityView view(Identity i) {
        return new IdentityView(i.id(), i.network(), new TreeMap<>(i.labels()));
    }

    public static Identity toIdentity(IdentityView v) {
        return new Identity(v.id(), v.network(), v.labels());
    }

    public static PolicyDefaultView view(PolicyDefault d) {
        return new PolicyDefaultView(d.network(), lower(d.verdict()));
    }

    public static PolicyDefault toDefault(PolicyDefaultView v) {
        return new PolicyDefault(v.network(), verdict(v.verdict(), "verdict"));
    }

    public static Map<String, String> defaults(Iterable<PolicyDefault> defaults) {
        Map<String, String> out = new LinkedHashMap<>();
        defaults.forEach(d -> out.put(d.network(), lower(d.verdict())));
        return out;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
