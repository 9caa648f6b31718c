package dev.qnf.api.json;

import java.util.List;

/** The answer to an accepted apply: the policies it holds ({@code namespace/name}), tests passed, and the revision. */
public record PolicyApplied(List<String> policies, int testsPassed, long revision) {
}
