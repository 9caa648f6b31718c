package dev.qnf.api.json;

import java.util.List;

/**
 * A policy as REST, policy files and watch lines carry it. {@code namespace} defaults to {@code default},
 * {@code selector} to every endpoint of the namespace; {@code isolate} lists directions ({@code ingress},
 * {@code egress}) isolated beyond those with allow rules. {@code dev.qnf.api.policy.PolicyViews} converts to and from the domain.
 */
public record PolicyView(String namespace, String name, SelectorView selector, List<String> networks,
                         List<String> isolate, List<RuleView> ingress, List<RuleView> egress, Long revision) {
}
