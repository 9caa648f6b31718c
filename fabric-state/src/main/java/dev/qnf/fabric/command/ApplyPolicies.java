package dev.qnf.fabric.command;

import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.policy.PolicyTest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Create or replace {@code policies} and set network {@code defaults} in one write, provided every one of
 * {@code tests} passes against the state as it would be after the write. The tests are checked in the state machine
 * on the image the write applies to, so no concurrent change can slip between the check and the write; a failing
 * test rejects the whole command (FAILED_PRECONDITION, the failures in the message) and changes nothing.
 */
public record ApplyPolicies(List<Policy> policies, List<PolicyDefault> defaults, List<PolicyTest> tests)
        implements Command {
    public static final int MAX_POLICIES = 1000;
    public static final int MAX_TESTS = 1000;

    public ApplyPolicies {
        policies = policies == null ? List.of() : List.copyOf(policies);
        defaults = defaults == null ? List.of() : List.copyOf(defaults);
        tests = tests == null ? List.of() : List.copyOf(tests);
        if (policies.size() > MAX_POLICIES || tests.size() > MAX_TESTS) {
            throw new InvalidInputException("at most " + MAX_POLICIES + " policies and " + MAX_TESTS
                    + " tests per apply");
        }
        Set<String> seen = new HashSet<>();
        for (Policy p : policies) {
            if (!seen.add(p.ref())) {
                throw new InvalidInputException("policy " + p.ref() + " appears twice");
            }
        }
        Set<String> nets = new HashSet<>();
        for (PolicyDefault d : defaults) {
            if (!nets.add(d.network())) {
                throw new InvalidInputException("network " + d.network() + " has two defaults");
            }
        }
    }
}
