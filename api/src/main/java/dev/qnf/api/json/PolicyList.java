package dev.qnf.api.json;

import java.util.List;
import java.util.Map;

/** Policies (of one namespace, or all), the networks whose default was set, and the revision read. */
public record PolicyList(List<PolicyView> policies, Map<String, String> defaults, long revision) {
}
