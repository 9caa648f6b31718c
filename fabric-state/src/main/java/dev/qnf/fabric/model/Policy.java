package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.policy.Direction;
import dev.qnf.fabric.policy.Rule;
import dev.qnf.fabric.policy.Selector;
import dev.qnf.fabric.policy.Verdict;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A network policy: in {@code namespace}, the endpoints whose identity labels match {@code selector} (and whose
 * network is in {@code networks}, when that is not empty) get the {@code ingress} and {@code egress} rules.
 *
 * <p>{@code isolates} is the set of directions for which the policy isolates its endpoints, Kubernetes'
 * {@code policyTypes}: an endpoint selected by any policy isolating a direction is denied everything in that
 * direction that no allow rule allows, even in a network whose default is allow. A policy always isolates the
 * directions it has allow rules for; {@link #of} adds them, and the constructor refuses allow rules for a direction
 * it does not isolate (Kubernetes ignores those; QNF says so). Deny rules need no isolation: they win over any
 * allow, in any network. See docs/policy.md for the whole evaluation.
 */
public record Policy(String namespace, String name, Selector selector, List<String> networks, Set<Direction> isolates,
                     List<Rule> ingress, List<Rule> egress) implements Resource {
    public Policy {
        Names.namespace(namespace);
        Names.policy(name);
        Objects.requireNonNull(selector, "selector");
        networks = networks == null ? List.of() : List.copyOf(networks);
        networks.forEach(Names::network);
        isolates = isolates == null || isolates.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(isolates));
        ingress = ingress == null ? List.of() : List.copyOf(ingress);
        egress = egress == null ? List.of() : List.copyOf(egress);
        check(ingress, Direction.INGRESS, isolates, name);
        check(egress, Direction.EGRESS, isolates, name);
    }

    /** A policy isolating the given directions plus every direction it has allow rules for. */
    public static Policy of(String namespace, String name, Selector selector, List<String> networks,
                            Set<Direction> isolates, List<Rule> ingress, List<Rule> egress) {
        EnumSet<Direction> dirs = EnumSet.noneOf(Direction.class);
        if (isolates != null) {
            dirs.addAll(isolates);
        }
        if (ingress != null && ingress.stream().anyMatch(r -> r.action() == Verdict.ALLOW)) {
            dirs.add(Direction.INGRESS);
        }
        if (egress != null && egress.stream().anyMatch(r -> r.action() == Verdict.ALLOW)) {
            dirs.add(Direction.EGRESS);
        }
        return new Policy(namespace, name, selector, networks, dirs, ingress, egress);
    }

    private static void check(List<Rule> rules, Direction d, Set<Direction> isolates, String name) {
        if (!isolates.contains(d) && rules.stream().anyMatch(r -> r.action() == Verdict.ALLOW)) {
            throw new InvalidInputException("policy " + name + " has " + d.name().toLowerCase()
                    + " allow rules but does not isolate " + d.name().toLowerCase());
        }
    }

    public List<Rule> rules(Direction d) {
        return d == Direction.INGRESS ? ingress : egress;
    }

    /** {@code namespace/name}: how users and explanations name a policy. */
    public String ref() {
        return namespace + "/" + name;
    }

    public static ResourceKey keyOf(String namespace, String name) {
        return new ResourceKey(ResourceKey.POLICY, namespace + "/" + name);
    }

    @Override
    public ResourceKey key() {
        return keyOf(namespace, name);
    }
}
