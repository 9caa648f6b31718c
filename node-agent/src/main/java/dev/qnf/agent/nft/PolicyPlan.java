package dev.qnf.agent.nft;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The enforcement plan: what the kernel side needs of the replicated policy model, and nothing of its details.
 * Identities are numbers (one per network and label set, cluster-wide); 0 is reserved for "outside the fabric".
 *
 * @param identities      identity → the addresses of every endpoint holding it, local or remote (remote ones are
 *                        needed to know who a packet comes from or goes to)
 * @param rules           compiled allow and deny rules, in policy order (the first rule covering a flow is the one
 *                        whose counter counts it; deny always wins over allow, whatever the order)
 * @param isolatedEgress  identities whose egress is default deny (their network says so, or a policy selects them
 *                        for egress, Kubernetes style); the others may send anything no deny rule forbids
 * @param isolatedIngress the same for ingress
 */
public record PolicyPlan(SortedMap<Integer, SortedSet<IpAddress>> identities, List<Rule> rules,
                         SortedSet<Integer> isolatedEgress, SortedSet<Integer> isolatedIngress) {
    /** No rules, nobody isolated: every network open inside, as before policies existed. */
    public static final PolicyPlan OPEN = new PolicyPlan(new TreeMap<>(), List.of(), new TreeSet<>(), new TreeSet<>());

    public enum Direction {
        EGRESS("out"), INGRESS("in");

        final String nft;

        Direction(String nft) {
            this.nft = nft;
        }
    }

    public enum Verdict {
        ALLOW, DENY;

        String nft() {
            return name().toLowerCase();
        }
    }

    /** A protocol as nft's {@code meta l4proto} sees it; ICMP means ICMPv4 for IPv4 and ICMPv6 for IPv6. */
    public enum Protocol {
        ANY, TCP, UDP, SCTP, ICMP;

        boolean hasPorts() {
            return this == TCP || this == UDP || this == SCTP;
        }
    }

    /**
     * The other side of a rule: endpoints of some identities, every endpoint of the fabric, or addresses outside the
     * fabric (an address that has an identity never matches an address peer; select it by identity).
     */
    public sealed interface Peer permits Identities, AllEndpoints, Addresses {
    }

    /** Every endpoint, whatever its identity (a rule without peers is this plus every outside address). */
    public record AllEndpoints() implements Peer {
        public static final AllEndpoints INSTANCE = new AllEndpoints();
    }

    public record Identities(SortedSet<Integer> ids) implements Peer {
        public Identities {
            ids = Collections.unmodifiableSortedSet(new TreeSet<>(ids));
            ids.forEach(PolicyPlan::checkIdentity);
        }

        public static Identities of(Integer... ids) {
            return new Identities(new TreeSet<>(List.of(ids)));
        }
    }

    /** Every address in {@code include} but not in {@code except} (Kubernetes' ipBlock). */
    public record Addresses(List<Cidr> include, List<Cidr> except) implements Peer {
        public Addresses {
            include = List.copyOf(include);
            except = List.copyOf(except);
            if (include.isEmpty()) {
                throw new IllegalArgumentException("an address peer needs at least one CIDR");
            }
        }

        public static Addresses of(String... cidrs) {
            return new Addresses(java.util.Arrays.stream(cidrs).map(Cidr::parse).toList(), List.of());
        }

        public Addresses except(String... cidrs) {
            return new Addresses(include, java.util.Arrays.stream(cidrs).map(Cidr::parse).toList());
        }
    }

    /**
     * One compiled rule. {@code selected} are the identities the policy applies to: the senders of an egress rule,
     * the receivers of an ingress rule. Ports apply to TCP, UDP and SCTP only (an inclusive range; 0-0 or 0-65535 is
     * any).
     */
    public record Rule(Direction direction, Set<Integer> selected, Peer peer, Protocol protocol, int portFrom,
                       int portTo, Verdict verdict, String policy) {
        public Rule {
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(verdict, "verdict");
            selected = Collections.unmodifiableSortedSet(new TreeSet<>(selected));
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("rule of policy " + policy + " selects no identity");
            }
            selected.forEach(PolicyPlan::checkIdentity);
            if (policy == null || policy.isBlank()) {
                throw new IllegalArgumentException("a rule needs the name of its policy");
            }
            if (!protocol.hasPorts() || (portFrom == 0 && portTo == 0)) {
                portFrom = 0;
                portTo = 65535;
            }
            if (portFrom < 0 || portTo > 65535 || portFrom > portTo) {
                throw new IllegalArgumentException("policy " + policy + ": port range " + portFrom + "-" + portTo
                        + " is not within 0-65535");
            }
        }

        public static Rule allow(String policy, Direction direction, Set<Integer> selected, Peer peer,
                                 Protocol protocol, int portFrom, int portTo) {
            return new Rule(direction, selected, peer, protocol, portFrom, portTo, Verdict.ALLOW, policy);
        }

        public static Rule deny(String policy, Direction direction, Set<Integer> selected, Peer peer,
                                Protocol protocol, int portFrom, int portTo) {
            return new Rule(direction, selected, peer, protocol, portFrom, portTo, Verdict.DENY, policy);
        }
    }

    public PolicyPlan {
        identities = IdentityAddresses.checked(identities, PolicyPlan::checkIdentity);
        rules = List.copyOf(rules);
        isolatedEgress = Collections.unmodifiableSortedSet(new TreeSet<>(isolatedEgress));
        isolatedIngress = Collections.unmodifiableSortedSet(new TreeSet<>(isolatedIngress));
        isolatedEgress.forEach(PolicyPlan::checkIdentity);
        isolatedIngress.forEach(PolicyPlan::checkIdentity);
    }

    public static PolicyPlan of(Map<Integer, ? extends Collection<IpAddress>> identities, List<Rule> rules,
                                Set<Integer> isolatedEgress, Set<Integer> isolatedIngress) {
        SortedMap<Integer, SortedSet<IpAddress>> ids = new TreeMap<>();
        identities.forEach((id, a) -> ids.put(id, new TreeSet<>(a)));
        return new PolicyPlan(ids, rules, new TreeSet<>(isolatedEgress), new TreeSet<>(isolatedIngress));
    }

    /** Address → identity, for the {@code ident4}/{@code ident6} maps. */
    public Map<IpAddress, Integer> addressIdentities() {
        Map<IpAddress, Integer> out = new HashMap<>();
        identities.forEach((id, addresses) -> addresses.forEach(a -> out.put(a, id)));
        return out;
    }

    /** The policies named by the rules, in first-seen order without repeats. */
    public List<String> policies() {
        return rules.stream().map(Rule::policy).distinct().toList();
    }

    /** Policy key (as in counter names) → policy name, for the policies of this plan. */
    public Map<String, String> policyKeys() {
        Map<String, String> out = new HashMap<>();
        policies().forEach(p -> out.put(key(p), p));
        return out;
    }

    /** The nft-safe key of a policy name, for its chains and counters (letters, digits and {@code _./-} are kept; other names become a digest). */
    static String key(String policy) {
        if (nftSafe(policy)) {
            return policy;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    policy.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "h-" + java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether a policy name is an nft object name as it is: 1 to 200 of letters, digits and {@code _./-}. A loop, not
     * a regex: it runs for every plan rule on every change.
     */
    private static boolean nftSafe(String policy) {
        int n = policy.length();
        if (n == 0 || n > 200) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = policy.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '/' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void checkIdentity(int id) {
        if (id <= 0) {
            throw new IllegalArgumentException("identity " + id + " is not positive (0 means outside the fabric)");
        }
    }
}
