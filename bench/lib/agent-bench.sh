# Sourced by the agent's benchmark scripts: run_agent_bench MAIN_CLASS [ARGS...] builds node-agent with its tests
# and runs MAIN_CLASS (a bench class in node-agent's test classes) with 1 GiB of heap.
#   OLD_CLASSES=DIR  put DIR before the build's classes (the same bench against older classes, for before/after)
run_agent_bench() {
  local main="$1"; shift
  local root cp_file cp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  cd "$root"
  cp_file="$(mktemp)"
  # in one reactor run, so that the project's own modules resolve to their target/classes (nothing needs to be
  # installed in ~/.m2); every module writes the file, node-agent last
  mvn -B -o -q -pl node-agent -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test \
      -Dmdep.outputFile="$cp_file"
  cp="${OLD_CLASSES:+$OLD_CLASSES:}node-agent/target/test-classes:node-agent/target/classes:$(cat "$cp_file")"
  rm -f "$cp_file"
  exec java -Xmx1g -cp "$cp" "$main" "$@"
}
