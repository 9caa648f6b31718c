#!/usr/bin/env bash
# QNF allocations/s against etcd puts/s, side by side, in one run on this machine.
#
# Starts a 3-member etcd cluster and a 3-server QNF cluster on loopback, then for each client count runs
# `qnf bench etcd` and `qnf bench alloc` alternately (same closed-loop client, same warm-up, values of the same
# size), prints a table with the ratio QNF/etcd and writes it, with the raw JSON lines, to a results file.
# Everything it starts is stopped and its data deleted on exit. See docs/benchmarks.md.
#
# Usage: bench/alloc-vs-etcd.sh [RESULTS_FILE]
# Environment (all optional):
#   CLIENTS="1 16 64 256 1000"   client counts, each run against both systems
#   OPS_1=2000 OPS_16=10000 OPS=20000   measured operations per run (OPS_<clients> overrides OPS)
#   MAX_SECONDS=60               bound on each phase (warm-up, measured) of each run
#   SERVER_WARMUP_OPS=40000      a first run per system at 256 clients (bounded by MAX_SECONDS), not reported,
#                                so that QNF's JVMs have compiled their hot paths (0: none)
#   REPEATS=1                    runs per system and client count, alternating; the table shows the median
#   ETCD_PORT=23790              etcd client ports ETCD_PORT+1..3, peer ports ETCD_PORT+11..13
#   QNF_PORT=27100               passed to `qnf dev --base-port`
#   QNF_ENDPOINTS=URL,...        QNF API URLs (default: those `qnf dev` writes to its client config)
#   SKIP_QNF=1                   etcd only (QNF figures shown as "-")
#   QNF=./qnf                    the qnf launcher; BENCH="$QNF bench" runs the benchmarks
#   BENCH_JAVA_OPTS=-Xmx1g       JVM options of the benchmark client
#   COUNT_FSYNCS=auto            count the servers' fsync/fdatasync calls per run with `perf record` (auto: when
#                                perf works here; 0: never)
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
revision="$(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
results="${1:-$root/bench/results/alloc-vs-etcd-$stamp.md}"
CLIENTS="${CLIENTS:-1 16 64 256 1000}"
OPS="${OPS:-20000}"
MAX_SECONDS="${MAX_SECONDS:-60}"
REPEATS="${REPEATS:-1}"
SERVER_WARMUP_OPS="${SERVER_WARMUP_OPS:-40000}"
ETCD_PORT="${ETCD_PORT:-23790}"
QNF_PORT="${QNF_PORT:-27100}"
QNF_ENDPOINTS="${QNF_ENDPOINTS:-}"
SKIP_QNF="${SKIP_QNF:-0}"
QNF="${QNF:-$root/qnf}"
BENCH="${BENCH:-$QNF bench}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g}"
COUNT_FSYNCS="${COUNT_FSYNCS:-auto}"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

ops_for() { local v="OPS_$1"; echo "${!v:-$( case $1 in 1) echo 2000 ;; 16) echo 10000 ;; *) echo "$OPS" ;; esac )}"; }

# ---------------------------------------------------------------- cleanup: only what this script started
work="$(mktemp -d "${TMPDIR:-/tmp}/qnf-alloc-vs-etcd.XXXXXX")"
# `qnf dev` records its endpoints in the client config: keep that in the scratch dir, not in ~/.qnf.
export QNF_CONFIG="$work/qnf-client-config"
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    # QNF runs in its own session (setsid): stop its whole process group; etcd members are single processes.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [[ $rc -ne 0 && -d "$work" ]]; then
    for f in "$work"/*.log; do [[ -f $f ]] && { log "--- tail of $f"; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() { # host port seconds
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# ---------------------------------------------------------------- etcd: 3 members on loopback
if ! command -v etcd >/dev/null; then
  log "installing etcd (Debian etcd-server, etcd-client)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server etcd-client >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
         etcd-server etcd-client >/dev/null; }
fi
etcd_version="$(etcd --version | sed -n "s/^etcd Version: //p")"
cluster=""
etcd_endpoints=""
etcd_pids=()
for i in 1 2 3; do
  cluster+="${cluster:+,}e$i=http://127.0.0.1:$((ETCD_PORT + 10 + i))"
  etcd_endpoints+="${etcd_endpoints:+,}127.0.0.1:$((ETCD_PORT + i))"
done
for i in 1 2 3; do
  # Defaults otherwise, in particular the WAL is fsynced before a write is acknowledged.
  etcd --name "e$i" --data-dir "$work/etcd$i" \
    --listen-client-urls "http://127.0.0.1:$((ETCD_PORT + i))" \
    --advertise-client-urls "http://127.0.0.1:$((ETCD_PORT + i))" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10 + i))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10 + i))" \
    --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "qnf-bench-$stamp" \
    --quota-backend-bytes $((8 * 1024 * 1024 * 1024)) \
    --logger zap --log-level warn >"$work/etcd$i.log" 2>&1 &
  pids+=($!)
  etcd_pids+=($!)
done
log "etcd $etcd_version: starting members on $etcd_endpoints (data in $work)"
for i in 1 2 3; do wait_port 127.0.0.1 $((ETCD_PORT + i)) 30 || die "etcd member e$i did not listen"; done
deadline=$((SECONDS + 30))
until ETCDCTL_API=3 etcdctl --endpoints "$etcd_endpoints" --dial-timeout 2s endpoint health >/dev/null 2>&1; do
  ((SECONDS < deadline)) || die "etcd cluster not healthy after 30 s"
  sleep 0.5
done
log "etcd cluster healthy"

# ---------------------------------------------------------------- QNF: 3 servers on loopback
if [[ $SKIP_QNF != 1 ]]; then
  log "building/starting qnf dev --nodes 3 --base-port $QNF_PORT"
  "$QNF" --help >/dev/null 2>"$work/qnf-build.log" || die "the qnf launcher failed (see above)"
  setsid "$QNF" dev --nodes 3 --data "$work/qnf" --base-port "$QNF_PORT" >"$work/qnf.log" 2>&1 &
  pids+=($!)
  qnf_dev_pid=$!
  if [[ -z $QNF_ENDPOINTS ]]; then
    deadline=$((SECONDS + 120))
    until [[ -s $QNF_CONFIG ]] && grep -q '://' "$QNF_CONFIG"; do
      kill -0 "${pids[-1]}" 2>/dev/null || die "qnf dev exited (see $work/qnf.log below)"
      ((SECONDS < deadline)) || die "qnf dev wrote no client config ($QNF_CONFIG) within 120 s"
      sleep 0.5
    done
    sleep 0.5 # let the writer finish the file
    QNF_ENDPOINTS="$(grep -o 'https\{0,1\}://[^"'"'"' ,]*' "$QNF_CONFIG" | paste -sd, -)"
  fi
  IFS=, read -ra qnf_urls <<<"$QNF_ENDPOINTS"
  for url in "${qnf_urls[@]}"; do
    hp="${url#*://}"; hp="${hp%%/*}"
    wait_port "${hp%:*}" "${hp##*:}" 120 || die "QNF server $url did not listen within 120 s"
  done
  log "QNF servers listening on $QNF_ENDPOINTS"
fi

# ---------------------------------------------------------------- the runs
# ---------------------------------------------------------------- fsync counting (optional)
if [[ $COUNT_FSYNCS == auto ]]; then
  COUNT_FSYNCS=0
  if command -v perf >/dev/null \
    && perf record -q -a -e syscalls:sys_enter_fdatasync -o "$work/perf-probe.data" -- true >/dev/null 2>&1; then
    COUNT_FSYNCS=1
  fi
fi
server_pids() { # system -> comma-separated pids of its server processes
  if [[ $1 == etcd ]]; then
    local IFS=,; echo "${etcd_pids[*]}"
  else
    pgrep -P "$qnf_dev_pid" | paste -sd, -
  fi
}
cpu_ms() { # comma-separated pids -> their CPU time so far (user + system, all threads), in ms
  local total=0 pid t
  local -a list
  IFS=, read -ra list <<<"$1"
  for pid in "${list[@]}"; do
    t="$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null)" || t=0
    total=$((total + ${t:-0}))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
fsync_start() { # system run-id: records every fsync/fdatasync on the machine until fsync_stop
  [[ $COUNT_FSYNCS == 1 ]] || return 0
  perf record -q -a -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -o "$work/fsync-$2.data" \
    >/dev/null 2>&1 &
  perf_pid=$!
  sleep 0.5
}
fsync_stop() { # called by the shell that ran fsync_start, since only it can wait for perf
  [[ $COUNT_FSYNCS == 1 ]] || return 0
  kill -TERM "$perf_pid" 2>/dev/null || true # not INT: background jobs of a script ignore SIGINT
  wait "$perf_pid" 2>/dev/null || true
}
fsync_count() { # system run-id -> how many fsync/fdatasync calls the system's servers made
  [[ $COUNT_FSYNCS == 1 ]] || return 0
  perf script -i "$work/fsync-$2.data" -F pid 2>/dev/null \
    | awk -v pids="$(server_pids "$1")" 'BEGIN { n = split(pids, p, ","); for (i = 1; i <= n; i++) mine[p[i]] = 1 }
                                        ($1 in mine) { c++ } END { print c + 0 }'
  rm -f "$work/fsync-$2.data"
}

qnf_entries() { # -> "entries commands": Raft entries sent by the servers' group commit, and the commands in them
  local url total_b=0 total_c=0 b c
  local -a urls
  IFS=, read -ra urls <<<"$QNF_ENDPOINTS"
  for url in "${urls[@]}"; do
    read -r b c < <(curl -sf --max-time 5 "$url/metrics" | awk '/^qnf_raft_batches_total/ { b += $NF }
      /^qnf_raft_batched_commands_total/ { c += $NF } END { printf "%d %d\n", b, c }') || { b=0 c=0; }
    total_b=$((total_b + ${b:-0})) total_c=$((total_c + ${c:-0}))
  done
  echo "$total_b $total_c"
}

field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"; }

run_id=0
run_bench() { # system clients [ops] -> prints one JSON line, or nothing when the run failed
  local system=$1 clients=$2 ops=${3:-} line syncs
  [[ -n $ops ]] || ops="$(ops_for "$clients")"
  local warmup=$((ops / 10 > clients ? ops / 10 : clients))
  local common=(--clients "$clients" --ops "$ops" --warmup "$warmup" --max-seconds "$MAX_SECONDS" -o json)
  run_id=$((run_id + 1))
  local entries0="" spids cpu0
  [[ $system == qnf ]] && entries0="$(qnf_entries)"
  spids="$(server_pids "$system")"
  cpu0="$(cpu_ms "$spids")"
  fsync_start "$system" "$run_id"
  if [[ $system == etcd ]]; then
    line="$(QNF_JAVA_OPTS="$BENCH_JAVA_OPTS" $BENCH etcd --endpoints "$etcd_endpoints" "${common[@]}" \
      2>>"$work/bench.log")" || true
  else
    line="$(QNF_JAVA_OPTS="$BENCH_JAVA_OPTS" $BENCH alloc --endpoint "$QNF_ENDPOINTS" "${common[@]}" \
      2>>"$work/bench.log")" || true
  fi
  fsync_stop
  syncs="$(fsync_count "$system" "$run_id")"
  if [[ -z $line ]]; then
    log "$system with $clients clients failed:"
    tail -n 5 "$work/bench.log" >&2
  else
    line="${line%\}},\"opsWithWarmup\":$((ops + warmup)),\"serverCpuMillis\":$(($(cpu_ms "$spids") - cpu0))}"
    # fsync and fdatasync calls of all three servers during warm-up and measured phase together
    [[ -z $syncs ]] || line="${line%\}},\"serverFsyncs\":$syncs}"
    if [[ -n $entries0 ]]; then
      local e0 c0 e1 c1
      read -r e0 c0 <<<"$entries0"
      read -r e1 c1 <<<"$(qnf_entries)"
      line="${line%\}},\"raftEntries\":$((e1 - e0)),\"commandsInEntries\":$((c1 - c0))}"
    fi
  fi
  echo "$line"
}

# median_run LINE... -> the line with the median ops/s (the lower one of the middle two for an even count)
median_run() {
  printf '%s\n' "$@" | sed '/^$/d' | awk -F'"opsPerSecond":' '{ split($2, a, ","); print a[1] "\t" $0 }' \
    | sort -g | cut -f2- | awk '{ l[NR] = $0 } END { if (NR) print l[int((NR + 1) / 2)] }'
}

declare -A etcd_res qnf_res
raw=()
warmups=()
if ((SERVER_WARMUP_OPS > 0)); then
  # A JVM server compiles its hot paths during its first minutes (QNF's C2 compiler thread took ~40 % of the
  # leader's CPU over the first 20,000 allocations); etcd, a Go binary, needs no such warm-up but gets the same.
  for system in etcd qnf; do
    [[ $system == qnf && $SKIP_QNF == 1 ]] && continue
    log "server warm-up: $system, 256 clients, $SERVER_WARMUP_OPS ops or $MAX_SECONDS s (not reported)"
    line="$(run_bench "$system" 256 "$SERVER_WARMUP_OPS")"
    warmups+=("$line")
    [[ -n $line ]] && log "  $(field "$line" opsPerSecond) ops/s"
  done
fi
for c in $CLIENTS; do
  etcd_runs=() qnf_runs=()
  for ((r = 1; r <= REPEATS; r++)); do
    log "etcd: $c clients, $(ops_for "$c") ops (run $r of $REPEATS)"
    line="$(run_bench etcd "$c")"
    etcd_runs+=("$line")
    raw+=("$line")
    [[ -n $line ]] && log "  $(field "$line" opsPerSecond) puts/s"
    if [[ $SKIP_QNF != 1 ]]; then
      log "qnf: $c clients, $(ops_for "$c") ops (run $r of $REPEATS)"
      line="$(run_bench qnf "$c")"
      qnf_runs+=("$line")
      raw+=("$line")
      [[ -n $line ]] && log "  $(field "$line" opsPerSecond) allocations/s"
    fi
  done
  etcd_res[$c]="$(median_run "${etcd_runs[@]}")"
  qnf_res[$c]="$( ((${#qnf_runs[@]})) && median_run "${qnf_runs[@]}" || true)"
done

# ---------------------------------------------------------------- the table
fmt() { # json field -> value or "-"
  [[ -n $1 ]] && field "$1" "$2" || echo "-"
}
table="$(
  printf '| clients | etcd puts/s | etcd p50 ms | etcd p99 ms | QNF allocs/s | QNF p50 ms | QNF p99 ms | QNF/etcd |\n'
  printf '|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  for c in $CLIENTS; do
    e="${etcd_res[$c]:-}" q="${qnf_res[$c]:-}"
    eo="$(fmt "$e" opsPerSecond)" qo="$(fmt "$q" opsPerSecond)"
    ratio="-"
    if [[ $eo != - && $qo != - ]]; then ratio="$(awk -v q="$qo" -v e="$eo" 'BEGIN { if (e > 0) printf "%.2fx", q / e; else print "-" }')"; fi
    errs=""
    for r in "$e" "$q"; do
      [[ -n $r ]] || continue
      [[ "$(field "$r" errors)" == 0 ]] || errs+=" ($(field "$r" target): $(field "$r" errors) errors)"
      [[ "$(field "$r" ops)" -ge "$(ops_for "$c")" ]] \
        || errs+=" ($(field "$r" target): $(field "$r" ops) of $(ops_for "$c") ops within the ${MAX_SECONDS} s bound)"
    done
    printf '| %s | %s | %s | %s | %s | %s | %s | %s%s |\n' "$c" "$eo" "$(fmt "$e" p50Millis)" "$(fmt "$e" p99Millis)" \
      "$qo" "$(fmt "$q" p50Millis)" "$(fmt "$q" p99Millis)" "$ratio" "$errs"
  done
)"

per_k() { # json -> fsync calls per 1000 operations, or "-"
  local n t
  n="$(field "$1" serverFsyncs)" t="$(field "$1" opsWithWarmup)"
  [[ -n $n && -n $t ]] && awk -v n="$n" -v t="$t" 'BEGIN { printf "%.0f", 1000 * n / t }' || echo "-"
}
cpu_per_op() { # json -> server CPU milliseconds per operation (all three servers), or "-"
  local m t
  m="$(field "$1" serverCpuMillis)" t="$(field "$1" opsWithWarmup)"
  [[ -n $m && -n $t ]] && awk -v m="$m" -v t="$t" 'BEGIN { printf "%.2f", m / t }' || echo "-"
}
per_entry() { # json -> commands per Raft entry, or "-"
  local e c
  e="$(field "$1" raftEntries)" c="$(field "$1" commandsInEntries)"
  [[ -n $e && -n $c && $e != 0 ]] && awk -v e="$e" -v c="$c" 'BEGIN { printf "%.1f", c / e }' || echo "-"
}
cost_table="$(
  printf '| clients | etcd server CPU ms per put | QNF server CPU ms per allocation | etcd fsyncs per 1000 puts'
  printf ' | QNF fsyncs per 1000 allocations | QNF allocations per Raft entry |\n'
  printf '|---:|---:|---:|---:|---:|---:|\n'
  for c in $CLIENTS; do
    e="${etcd_res[$c]:-}" q="${qnf_res[$c]:-}"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$c" "$(cpu_per_op "$e")" "$(cpu_per_op "$q")" "$(per_k "$e")" \
      "$(per_k "$q")" "$(per_entry "$q")"
  done
)"

mkdir -p "$(dirname "$results")"
{
  echo "# QNF allocations vs etcd puts, $stamp"
  echo
  echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr); data on $(df -T "$work" | awk 'NR==2 {print $2}')"
  echo "- load average (1, 5, 15 min) before: $load_start; after: $(cut -d' ' -f1-3 /proc/loadavg) (others' work shares the cores)"
  echo "- etcd: $etcd_version, 3 members on loopback, default fsync; client: qnf bench etcd"
  echo "- QNF: $( [[ $SKIP_QNF == 1 ]] && echo "not run (SKIP_QNF=1)" || echo "qnf dev --nodes 3, tree $revision at the start" ); client: qnf bench alloc"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- ops per run: $(for c in $CLIENTS; do printf '%s clients %s; ' "$c" "$(ops_for "$c")"; done)warm-up a tenth more (at least one per client)"
  echo "- runs: first a server warm-up per system ($SERVER_WARMUP_OPS ops or $MAX_SECONDS s at 256 clients, not in the tables), then $REPEATS per system and client count, alternating etcd and QNF; the table shows the median run"
  echo
  echo "$table"
  echo
  echo "What the writes cost, warm-up included, the three servers together: CPU time (/proc/PID/stat), fsync and"
  echo "fdatasync calls (perf, syscall tracepoints; \"-\" when perf was not used), and QNF's group commit"
  echo "(qnf_raft_batched_commands_total over qnf_raft_batches_total). Every etcd put is a Raft entry of its own."
  echo
  echo "$cost_table"
  echo
  if ((${#warmups[@]})); then
    echo "Server warm-up runs, not in the tables (JSON):"
    echo
    echo '```'
    printf '%s\n' "${warmups[@]}" | sed '/^$/d'
    echo '```'
    echo
  fi
  echo "Raw results (JSON, one run a line):"
  echo
  echo '```'
  printf '%s\n' "${raw[@]}" | sed '/^$/d'
  echo '```'
} >"$results"

echo
echo "$table"
printf '\n%s\n' "$cost_table"
echo
log "results written to $results"
