#!/usr/bin/env bash
# The policy enforcement scale benchmark (issue 5): 10,000 endpoints, 1,000 identities, 1,000 policies, default
# deny, programmed by the agent's own code into a throw-away network namespace. Prints compile and apply times,
# one endpoint added and one rule changed (5 rounds each), the ruleset's size and the heap. See docs/benchmarks.md.
#
# Usage (as root): bench/policy-scale.sh [LOCAL_ENDPOINTS [ROUNDS]]
#   LOCAL_ENDPOINTS  endpoints on this host (default 10000: all of them, the worst case; 100 is a typical node)
#   ROUNDS           incremental rounds (default 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# in one reactor run, so that the project's own modules resolve to their target/classes (nothing needs to be
# installed in ~/.m2); every module writes the file, node-agent last
mvn -B -o -q -pl node-agent -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file"
cp="node-agent/target/test-classes:node-agent/target/classes:$(cat "$cp_file")"
exec java -Xmx1g -cp "$cp" dev.qnf.agent.reconcile.PolicyScaleBench "$@"
