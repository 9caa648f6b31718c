package dev.qnf.api.json;

import java.util.List;
import java.util.Map;

/**
 * A policy file, and the body of {@code POST /v1/policies}: policies to create or replace, network defaults
 * ({@code network: allow|deny}) and tests that must all pass against the resulting state, or nothing is applied.
 */
public record PolicyFile(List<PolicyView> policies, Map<String, String> defaults, List<PolicyTestView> tests) {
}
