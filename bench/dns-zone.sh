#!/usr/bin/env bash
# The agent's DNS zone for one large network: built from nothing, and after one endpoint was added (the delta
# path), in the same run. Needs no root. See docs/benchmarks.md ("The agent's DNS zone").
#
# Usage: bench/dns-zone.sh [ENDPOINTS [ROUNDS]]     (defaults 10000 and 30; as many warm-up rounds first)
#   OLD_CLASSES=DIR  put DIR before the build's classes (the same bench against other Zones/DnsRecords classes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -B -o -q -pl node-agent -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file"
cp="${OLD_CLASSES:+$OLD_CLASSES:}node-agent/target/test-classes:node-agent/target/classes:$(cat "$cp_file")"
exec java -Xmx1g -cp "$cp" dev.qnf.agent.reconcile.DnsZoneBench "$@"
