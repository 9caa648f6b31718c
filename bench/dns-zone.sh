#!/usr/bin/env bash
# The agent's DNS zone for one large network: built from nothing, and after one endpoint was added (the delta
# path), in the same run. Needs no root. See docs/benchmarks.md ("The agent's DNS zone").
#
# Usage: bench/dns-zone.sh [ENDPOINTS [ROUNDS]]     (defaults 10000 and 30; as many warm-up rounds first)
#   OLD_CLASSES=DIR  put DIR before the build's classes (the same bench against other Zones/DnsRecords classes)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/agent-bench.sh"
run_agent_bench dev.qnf.agent.reconcile.DnsZoneBench "$@"
