#!/usr/bin/env bash
# The policy enforcement scale benchmark (issue 5): 10,000 endpoints, 1,000 identities, 1,000 policies, default
# deny, programmed by the agent's own code into a throw-away network namespace. Prints compile and apply times,
# one endpoint added and one rule changed (5 rounds each), the ruleset's size and the heap. See docs/benchmarks.md.
#
# Usage (as root): bench/policy-scale.sh [LOCAL_ENDPOINTS [ROUNDS]]
#   LOCAL_ENDPOINTS  endpoints on this host (default 10000: all of them, the worst case; 100 is a typical node)
#   ROUNDS           incremental rounds (default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/agent-bench.sh"
run_agent_bench dev.qnf.agent.reconcile.PolicyScaleBench "$@"
