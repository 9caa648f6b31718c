#!/usr/bin/env bash
# Container network set-up time: the reference CNI plugins against qnf, side by side, in one run on this machine.
#
#  (a) CNI ADD then DEL invoked directly, as a runtime invokes a plugin (CNI_* environment, network configuration on
#      stdin, DEL given the ADD result as prevResult), each pair on a fresh network namespace: reference `bridge`
#      (+ `host-local`, called by bridge) against `qnf`;
#  (b) a whole `podman run --rm ... true`: the reference conflist (bridge + host-local + portmap) against the qnf
#      conflist that `qnf cni install` writes;
#  (c) plugin start-up alone, CNI_COMMAND=VERSION: the Go reference plugin, the thin qnf client on a plain JVM
#      (`java -cp qnf-cni.jar`), and the installed qnf plugin as podman runs it.
# Reference and qnf runs alternate (their order flips every iteration), so slow phases of the machine hit both.
# Everything networked happens in a private "host" network namespace; podman uses private storage and state (the
# same set-up as cli/src/test/java/dev/qnf/cli/e2e/PodmanFixture.java). Everything is removed on exit.
# The qnf half needs `qnf agent` and `qnf cni install`; without them the script runs the reference half and says
# that qnf is pending. See docs/benchmarks.md, "Container network set-up".
#
# Usage: bench/cni-setup.sh [RESULTS_FILE]         (as root)
# Environment (all optional):
#   RUNS=200            runs per measurement and side
#   MAX_SECONDS=600     bound on each phase (a, b, c); runs cut by it are reported
#   SKIP_QNF=1          reference half only
#   QNF=./qnf           the qnf launcher (builds the CLI on first use)
#   CNI_JAR=cni/target/qnf-cni.jar   the thin client's jar (built with mvn if missing)
#   REF_PLUGINS=/usr/lib/cni         the reference plugins
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
RUNS="${RUNS:-200}"
MAX_SECONDS="${MAX_SECONDS:-600}"
SKIP_QNF="${SKIP_QNF:-0}"
QNF="${QNF:-$root/qnf}"
CNI_JAR="${CNI_JAR:-$root/cni/target/qnf-cni.jar}"
REF_PLUGINS="${REF_PLUGINS:-/usr/lib/cni}"
results="${1:-$root/bench/results/cni-setup-$stamp.md}"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_us() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }

[[ $(id -u) == 0 ]] || die "run as root (network namespaces, podman as root)"
for tool in podman runc nsenter ip jq busybox; do
  command -v "$tool" >/dev/null || die "$tool is not installed (see .ci/run for the packages)"
done
[[ -x $REF_PLUGINS/bridge && -x $REF_PLUGINS/host-local ]] || die "no reference plugins in $REF_PLUGINS"
busybox_bin="$(command -v busybox)"

# The whole script runs in a private "host" network namespace, like a runtime on its host: podman, the plugins it
# runs, the QNF server and agent. nsenter changes only the network namespace (podman needs the machine's mounts).
if [[ -z ${QNF_BENCH_NS:-} ]]; then
  ns="qnfbench-$$-host"
  ip netns add "$ns"
  QNF_BENCH_NS="$ns" exec nsenter --net="/run/netns/$ns" "${BASH_SOURCE[0]}" "$@"
fi
host_ns="$QNF_BENCH_NS"
tag="${host_ns%-host}"

# ---------------------------------------------------------------- clean-up: only what this script made
work="$(mktemp -d /tmp/qnf-cni-bench.XXXXXX)"
pids=()
export CONTAINERS_CONF="$work/containers.conf" CONTAINERS_STORAGE_CONF="$work/storage.conf"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e +o pipefail   # every step runs, whatever the one before it did
  if [[ -f $CONTAINERS_CONF ]]; then
    podman rm -a -f -t 0 >/dev/null 2>&1 || true   # while the agent runs, so DEL reaches it
  fi
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  for d in "$work"/storage/*/vfs-containers/*; do     # containers podman could not remove
    [[ ! -e /run/runc/${d##*/} ]] || runc delete --force "${d##*/}" >/dev/null 2>&1
  done
  for ns in $(ip netns list | awk -v t="$tag-" 'index($1, t) == 1 { print $1 }'); do ip netns del "$ns"; done
  grep -o " $work/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  for h in /sys/fs/cgroup/*; do rmdir "$h/libpod_parent/conmon" "$h/libpod_parent" 2>/dev/null; done
  if [[ $rc -ne 0 ]]; then
    for f in "$work"/*.log; do [[ -f $f ]] && { log "--- tail of $f"; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the host namespace, podman, the reference network
ip link set lo up
sysctl -qw net.ipv4.ip_forward=1
mkdir -p "$work"/{cni-bin,cni-conf,cni-ipam,storage/root,storage/run,tmp,rootfs/{bin,etc,tmp,proc,sys,dev,run,root}}
cp "$busybox_bin" "$work/rootfs/bin/busybox"
for applet in $("$busybox_bin" --list); do [[ $applet == busybox ]] || ln -s busybox "$work/rootfs/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\n' >"$work/rootfs/etc/group"
touch "$work"/rootfs/etc/{hosts,hostname,resolv.conf} "$work/rootfs/run/.containerenv"
chmod 1777 "$work/rootfs/tmp"
cat >"$CONTAINERS_CONF" <<EOF
[network]
network_backend = "cni"
cni_plugin_dirs = ["$work/cni-bin", "$REF_PLUGINS"]
network_config_dir = "$work/cni-conf"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$work/tmp"
lock_type = "file"
EOF
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
graphroot = "$work/storage/root"
runroot = "$work/storage/run"
EOF
cat >"$work/cni-conf/ref.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "ref", "plugins": [
  {"type": "bridge", "bridge": "br-ref", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.231.0.0/16"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$work/cni-ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}]}
EOF
# The same plugin as the conflist's first, as libcni hands it to the plugin (name and cniVersion of the list).
jq -c '.plugins[0] + {name: "ref-direct", cniVersion: .cniVersion} | .bridge = "br-direct"
       | .ipam.ranges = [[{subnet: "10.232.0.0/16"}]]' "$work/cni-conf/ref.conflist" >"$work/ref-direct.json"
run_flags=(--ulimit nofile=10000:10000 --ulimit nproc=10000:10000)
echo '{"cniVersion":"1.0.0"}' >"$work/version.json"
podman_version="$(podman version --format '{{.Client.Version}}')"
[[ $(podman info --format '{{.Host.NetworkBackend}} {{.Host.OCIRuntime.Name}}') == "cni runc" ]] \
  || die "podman is not using the CNI backend and runc"

# ---------------------------------------------------------------- the thin client's jar
if [[ ! -f $CNI_JAR ]]; then
  log "building the thin client (mvn -pl cni package)"
  (cd "$root" && mvn -B -q -pl cni -DskipTests package >&2) || die "could not build $CNI_JAR"
fi

# ---------------------------------------------------------------- qnf: server and agent in the host namespace
qnf_state="pending"
qnf_note="qnf: pending (this build has no \`qnf agent\` / \`qnf cni install\`)"
if [[ $SKIP_QNF == 1 ]]; then
  qnf_note="qnf: skipped (SKIP_QNF=1)"
elif grep -qE '^ +agent( |$)' <<<"$("$QNF" --help 2>"$work/qnf-build.log")" \
    && grep -qE '^ +install( |$)' <<<"$("$QNF" cni --help 2>/dev/null)"; then
  api_port=$((28000 + RANDOM % 1000))
  log "qnf: starting a single-node server and the agent in the host namespace"
  setsid "$QNF" server --id bench --data "$work/server" \
    --raft "127.0.0.1:$((api_port + 1000))" --api "127.0.0.1:$api_port" >"$work/server.log" 2>&1 &
  pids+=($!)
  endpoint="http://127.0.0.1:$api_port"
  deadline=$((SECONDS + 120))
  until "$busybox_bin" wget -q -O - "$endpoint/readyz" 2>/dev/null | grep -q '"ready":true'; do
    ((SECONDS < deadline)) || die "the QNF server was not ready within 120 s"
    sleep 1
  done
  "$QNF" network create bench --cidr 10.233.0.0/16 --nat --endpoint "$endpoint" >/dev/null
  setsid "$QNF" agent --node bench --endpoint "$endpoint" \
    --state-dir "$work/agent" --socket "$work/agent.sock" >"$work/agent.log" 2>&1 &
  pids+=($!)
  before="$(podman network ls --format '{{.Name}}' | sort)"
  "$QNF" cni install --bin-dir "$work/cni-bin" --conf-dir "$work/cni-conf" --network bench \
    --agent-socket "$work/agent.sock" >"$work/install.log" 2>&1 || die "qnf cni install failed"
  qnf_net="$(comm -13 <(echo "$before") <(podman network ls --format '{{.Name}}' | sort) | head -1)"
  [[ -n $qnf_net ]] || die "qnf cni install added no podman network"
  for f in "$work"/cni-conf/*.conf*; do [[ $(jq -r .name "$f") == "$qnf_net" ]] && conflist="$f"; done
  jq -c 'if .plugins then .plugins[0] + {name: .name, cniVersion: .cniVersion} else . end' "$conflist" \
    >"$work/qnf-direct.json"
  qnf_plugin="$work/cni-bin/$(jq -r .type "$work/qnf-direct.json")"
  jq -c '.cniVersion = "1.1.0"' "$work/qnf-direct.json" >"$work/status.json"
  deadline=$((SECONDS + 120))
  until CNI_COMMAND=STATUS CNI_PATH="$work/cni-bin" "$qnf_plugin" <"$work/status.json" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "the agent did not answer CNI STATUS within 120 s"
    sleep 1
  done
  qnf_state="ready"
  qnf_note="qnf: network \`$qnf_net\` (conflist $(basename "$conflist")), plugin \`$(basename "$qnf_plugin")\`"
fi
log "$qnf_note"

# ---------------------------------------------------------------- measurement helpers
# Each series is a file of microsecond values, one per successful run; failures are counted apart.
declare -A failures=() cut=()
series() { echo "$work/series-$1"; }
fail() { failures[$1]=$((${failures[$1]:-0} + 1)); [[ ${failures[$1]} -gt 1 ]] || log "$1: first failure: $2"; }

# One direct ADD+DEL on a fresh namespace. Args: side plugin config-file cni-path run-number
direct_once() {
  local side=$1 plugin=$2 conf=$3 path=$4 i=$5 t0 t1 t1b t2 out
  local ns="$tag-c$i" id="bench-$$-$side-$i"
  ip netns add "$ns"
  local -a env=(CNI_CONTAINERID="$id" CNI_NETNS="/run/netns/$ns" CNI_IFNAME=eth0 CNI_PATH="$path"
                CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=$id;K8S_POD_INFRA_CONTAINER_ID=$id;K8S_POD_NAME=c$i")
  t0=$(now_us)
  if out="$(export "${env[@]}" CNI_COMMAND=ADD; "$plugin" <"$conf")"; then
    t1=$(now_us)
    jq -c --argjson r "$out" '. + {prevResult: $r}' "$conf" >"$work/del.json"
    t1b=$(now_us)
    if (export "${env[@]}" CNI_COMMAND=DEL; "$plugin" <"$work/del.json" >/dev/null); then
      t2=$(now_us)
      echo $((t1 - t0)) >>"$(series "add-$side")"
      echo $((t2 - t1b)) >>"$(series "del-$side")"
      echo $((t1 - t0 + t2 - t1b)) >>"$(series "adddel-$side")"
    else
      fail "del-$side" "DEL failed"
    fi
  else
    fail "add-$side" "$out"
    (export "${env[@]}" CNI_COMMAND=DEL; "$plugin" <"$conf" >/dev/null 2>&1) || true
  fi
  ip netns del "$ns"
}

podman_once() { # side network
  local t0 t1 err
  t0=$(now_us)
  if err="$(podman run --rm --network "$2" "${run_flags[@]}" --rootfs "$work/rootfs" true 2>&1)"; then
    t1=$(now_us)
    echo $((t1 - t0)) >>"$(series "podman-$1")"
  else
    fail "podman-$1" "$err"
  fi
}

version_once() { # series-name command...  (stdin from a file: a pipe would fail when a plugin skips reading it)
  local name=$1 t0 t1 err
  shift
  t0=$(now_us)
  if err="$(CNI_COMMAND=VERSION "$@" <"$work/version.json" 2>&1 >/dev/null)"; then
    t1=$(now_us)
    echo $((t1 - t0)) >>"$(series "$name")"
  else
    fail "$name" "VERSION failed: $err"
  fi
}

# Runs "$@ <side> <i>" for i in 1..RUNS, reference and qnf alternating, within MAX_SECONDS. Args: phase fn
alternate() {
  local phase=$1 fn=$2 deadline=$((SECONDS + MAX_SECONDS)) i
  for ((i = 1; i <= RUNS; i++)); do
    if ((SECONDS >= deadline)); then cut[$phase]=$((i - 1)); log "$phase: cut by MAX_SECONDS after $((i - 1)) runs"; return; fi
    if ((i % 2)); then "$fn" ref "$i"; "$fn" qnf "$i"; else "$fn" qnf "$i"; "$fn" ref "$i"; fi
  done
}

direct_side() { # side i
  if [[ $1 == ref ]]; then
    direct_once ref "$REF_PLUGINS/bridge" "$work/ref-direct.json" "$REF_PLUGINS" "$2"
  elif [[ $qnf_state == ready ]]; then
    direct_once qnf "$qnf_plugin" "$work/qnf-direct.json" "$work/cni-bin:$REF_PLUGINS" "$2"
  fi
}
podman_side() {
  if [[ $1 == ref ]]; then podman_once ref ref; elif [[ $qnf_state == ready ]]; then podman_once qnf "$qnf_net"; fi
}
version_side() {
  if [[ $1 == ref ]]; then
    version_once version-go "$REF_PLUGINS/bridge"
  else
    version_once version-jvm java -cp "$CNI_JAR" dev.qnf.cni.CniClient
    [[ $qnf_state != ready ]] || version_once version-qnf "$qnf_plugin"
  fi
}

# ---------------------------------------------------------------- the runs
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "(c) plugin start-up, CNI_COMMAND=VERSION: $RUNS runs each"
alternate version version_side
log "(a) direct CNI ADD+DEL on fresh namespaces: $RUNS runs each"
for i in 1 2 3; do direct_side ref "w$i"; direct_side qnf "w$i"; done   # warm-up: bridge creation, first JIT
rm -f "$work"/series-{add,del,adddel}-*
alternate direct direct_side
log "(b) podman run --rm true: $RUNS runs each"
podman_side ref; podman_side qnf                                          # warm-up: podman's first-use refresh
rm -f "$work"/series-podman-*
alternate podman podman_side
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
# The agent's own time per direct call, from its log ("CNI ADD container <id> ...: ok in N ms"), when it logs it.
if [[ -f $work/agent.log ]]; then
  for verb in ADD DEL; do
    sed -n "s/.*CNI $verb container bench-$$-qnf-[0-9]* .*: ok in \([0-9]*\) ms.*/\1/p" "$work/agent.log" \
      | awk '{ print $1 * 1000 }' >"$(series "agent-$verb")"
  done
fi

# ---------------------------------------------------------------- the report
stats() { # series-name -> "n median p99" in ms (nearest rank), or "0 - -"
  local f; f="$(series "$1")"
  [[ -s $f ]] || { echo "0 - -"; return; }
  sort -n "$f" | awk '{ v[NR] = $1 } END {
    m = int((NR + 1) / 2); p = int(NR * 0.99); if (p < NR * 0.99) p++; if (p < 1) p = 1
    printf "%d %.1f %.1f\n", NR, v[m] / 1000, v[p] / 1000 }'
}
ratio() { [[ $1 == - || $2 == - ]] && echo "-" || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { # label ref-series qnf-series
  local rn rm rp qn qm qp
  read -r rn rm rp < <(stats "$2")
  read -r qn qm qp < <(stats "$3")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s |\n' "$1" "$rm" "$rp" "$qm" "$qp" "$(ratio "$qm" "$rm")" \
    "$(ratio "$qp" "$rp")" "$rn" "$qn"
}
{
  echo "# Container network set-up: reference CNI plugins vs qnf ($stamp)"
  echo
  echo "- tree: $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'); podman $podman_version; runc $(runc --version | head -1 | awk '{print $3}'); containernetworking-plugins $(dpkg-query -W -f '${Version}' containernetworking-plugins 2>/dev/null || echo '?'); $(java -version 2>&1 | head -1)"
  echo "- $(nproc) CPUs; load average $load_start at the start, $load_end at the end"
  echo "- $RUNS runs per cell (MAX_SECONDS=$MAX_SECONDS per phase); times in ms, median and p99 (nearest rank)"
  echo "- $qnf_note"
  echo
  echo "| measurement | reference median | reference p99 | qnf median | qnf p99 | qnf/ref median | qnf/ref p99 | runs ref / qnf |"
  echo "|---|---|---|---|---|---|---|---|"
  row "(a) CNI ADD, direct" add-ref add-qnf
  row "(a) CNI DEL, direct" del-ref del-qnf
  row "(a) CNI ADD+DEL, direct" adddel-ref adddel-qnf
  row "(b) podman run --rm true" podman-ref podman-qnf
  row "(c) VERSION: Go bridge vs installed qnf plugin" version-go version-qnf
  row "(c) VERSION: Go bridge vs thin client on a plain JVM" version-go version-jvm
  echo
  read -r _ jm _ < <(stats version-jvm)
  read -r _ am _ < <(stats adddel-qnf)
  read -r _ refm _ < <(stats adddel-ref)
  if [[ $jm != - && $refm != - ]]; then
    echo "- An ADD and a DEL start the plugin twice: 2 × $jm ms of plain JVM start-up, $(ratio "$(awk -v j="$jm" 'BEGIN { print 2 * j }')" "$refm") × the reference's whole ADD+DEL."
  fi
  if [[ $jm != - && $am != - ]]; then
    echo "- JVM start-up share of qnf's direct ADD+DEL: $(awk -v j="$jm" -v a="$am" 'BEGIN { printf "%.0f %%", 200 * j / a }') (2 × plain JVM start / qnf ADD+DEL, medians)."
  fi
  read -r an am2 ap < <(stats agent-ADD)
  read -r dn dm dp < <(stats agent-DEL)
  if [[ $an != 0 ]]; then
    echo "- Inside the agent (its log, the direct calls): ADD median $am2 ms, p99 $ap ms ($an calls); DEL median $dm ms, p99 $dp ms ($dn calls)."
  fi
  for k in "${!failures[@]}"; do echo "- failures: $k ${failures[$k]}"; done
  for k in "${!cut[@]}"; do echo "- phase $k cut by MAX_SECONDS after ${cut[$k]} iterations"; done
} | tee "$work/report.md"
mkdir -p "$(dirname "$results")"
cp "$work/report.md" "$results"
log "results written to $results"
