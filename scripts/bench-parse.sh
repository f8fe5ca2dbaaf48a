#!/usr/bin/env bash
# Parse-speed and peak-memory benchmark for faultline (see docs/performance.md).
#
#   scripts/bench-parse.sh [--big] [SIZE_MB]        (SIZE_MB defaults to 200; MB = MiB here)
#
# 1. Records a real strace trace of at least SIZE_MB MiB of native/build/loadgen (a syscall-heavy,
#    server-like, 4-thread workload on 127.0.0.1) with
#      strace -f -tt -T -yy -s 64 -o $WORK/big.txt native/build/loadgen -x N
#    choosing N from a short calibration run, and times loadgen with the same N untraced.
#    -x makes loadgen crash at the very end (SIGSEGV while parsing conf/sites/bad.conf line 3), so
#    analyze has an incident to explain after the whole trace; CRASH=0 records a clean exit instead.
# 2. Times (wall clock, best of $RUNS, max RSS via /usr/bin/time -f %M) on big.txt:
#      wc -l, cat > /dev/null (page cache warm), awk 'END{print NR}' (a plain line-splitting loop),
#      faultline --version (JVM start-up, the fixed cost), faultline events --format none,
#      faultline analyze --format json > /dev/null (only when analyze works on a fixture),
#    and the two faultline commands again with -Xmx256m.
# 3. With --big: concatenates big.txt into $WORK/huge.txt (>= $BIG_MB MiB, default 2048; a
#    synthesized trace: pids and timestamps repeat per copy) and measures the same commands
#    ($RUNS_BIG runs each, default 1), with the default JVM heap and with -Xmx256m.
#
# faultline is run as `java <launcher JVM flags> -jar $WORK/faultline.jar`: the flags are read from
# the ./faultline launcher's exec line, and the jar is a snapshot of target/faultline.jar taken after
# `./faultline --version` (re)built it, so a rebuild cannot land inside a timing.
#
# STRACE_PROCESS_TREE=DIR adds a row for the peer tool mgedmin/strace-process-tree (python3 DIR/strace_process_tree.py,
# a checkout of github.com/mgedmin/strace-process-tree; skipped with a note otherwise). HTTPD_TRACE=FILE measures the
# same rows on a real httpd trace too (scripts/record-httpd-trace.sh records one).
# Environment: WORK (default /tmp/faultline-bench), KEEP=1 keeps big.txt/huge.txt, RUNS (3),
# RUNS_BIG (1), BIG_MB (2048), THREADS (loadgen threads, 4), CRASH (1), REUSE=1 reuses an existing
# $WORK/big.txt of the right size (kept by KEEP=1) instead of recording again,
# JAVA (java), EXTRA_JAVA_OPTS (added to every faultline run), NO_BUILD=1 (benchmark target/faultline.jar
# as it is, without running the launcher's rebuild check).
# Nothing is written into the repo except native/build/ and target/ (the normal build outputs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BIG=0
SIZE_MB=200
for a in "$@"; do
  case "$a" in
    --big) BIG=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    ''|*[!0-9]*) echo "bench-parse: unknown argument: $a (usage: bench-parse.sh [--big] [SIZE_MB])" >&2; exit 64 ;;
    *) SIZE_MB="$a" ;;
  esac
done
WORK="${WORK:-/tmp/faultline-bench}"
RUNS="${RUNS:-3}"
RUNS_BIG="${RUNS_BIG:-1}"
BIG_MB="${BIG_MB:-2048}"
THREADS="${THREADS:-4}"
CRASH="${CRASH:-1}"
JAVA="${JAVA:-java}"
EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-}"
MiB=1048576

for tool in strace gcc make "$JAVA"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-parse: needs $tool" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench-parse: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }

mkdir -p "$WORK"
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then
    rm -f "$WORK/big.txt" "$WORK/huge.txt" "$WORK/calib.txt" "$WORK/record.env"
  fi
  rm -rf "$WORK/lg"
}
trap cleanup EXIT

log() { echo "bench-parse: $*" >&2; }

# ---- build -------------------------------------------------------------------------------------
make -s -C "$here/native"
LOADGEN="$here/native/build/loadgen"
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building faultline if needed"
  if ! "$here/faultline" --version >/dev/null; then
    [ -f "$here/target/faultline.jar" ] || { log "no target/faultline.jar and the build failed"; exit 1; }
    log "WARNING: the build failed (sources mid-edit?); benchmarking the existing target/faultline.jar"
  fi
fi
cp "$here/target/faultline.jar" "$WORK/faultline.jar"
# JVM flags from the launcher's `exec java FLAGS -jar "$jar" "$@"` line
JFLAGS="$(sed -n 's/^exec java \(.*\) -jar .*/\1/p' "$here/faultline" | head -n 1)"
FL=("$JAVA")
# shellcheck disable=SC2206
FL+=($JFLAGS $EXTRA_JAVA_OPTS)
FL256=("${FL[@]}" -Xmx256m)
FL+=(-jar "$WORK/faultline.jar")
FL256+=(-jar "$WORK/faultline.jar")

ANALYZE=0
# analyze exits 0 (no incident), 20 (culprit named) or 21 (incidents, no culprit) when it works (docs/cli.md)
probe=0
"${FL[@]}" analyze "$here/fixtures/config-open/f_o.txt" >/dev/null 2>"$WORK/analyze-probe.err" || probe=$?
if [ "$probe" = 0 ] || [ "$probe" = 20 ] || [ "$probe" = 21 ]; then
  ANALYZE=1
else
  log "analyze does not work on fixtures/config-open/f_o.txt yet (skipped): $(tail -n 1 "$WORK/analyze-probe.err")"
fi

# ---- timing helpers ----------------------------------------------------------------------------
now_ns() { date +%s%N; }
# measure LABEL FILE NRUNS CMD... : best wall time (ms resolution, date around /usr/bin/time), max RSS over
# the runs (KB, /usr/bin/time %M), exit status of the last failing run (0 if all passed).
# Sets M_SEC M_RSS_KB M_RC M_ERR (stderr of the last run).
measure() {
  local label="$1" file="$2" n="$3"; shift 3
  local best="" rss=0 rc=0 r t0 t1 ms out
  for ((r = 1; r <= n; r++)); do
    t0=$(now_ns)
    set +e
    /usr/bin/time -f '%e %M' -o "$WORK/time.out" "$@" </dev/null >/dev/null 2>"$WORK/err.txt"
    local c=$?
    set -e
    t1=$(now_ns)
    ms=$(( (t1 - t0) / 1000000 ))
    out=$(tail -n 1 "$WORK/time.out")
    local kb=${out##* }
    [ "$kb" -gt "$rss" ] 2>/dev/null && rss=$kb
    if [ "$c" -ne 0 ]; then rc=$c; fi
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    log "  $label run $r: $(awk -v m="$ms" 'BEGIN{printf "%.3f", m/1000}') s, ${kb} KB max RSS, exit $c"
  done
  M_SEC=$(awk -v m="$best" 'BEGIN{printf "%.3f", m/1000}')
  M_RSS_KB=$rss
  M_RC=$rc
  M_ERR="$(grep -m1 -E 'OutOfMemoryError|Exception|faultline:' "$WORK/err.txt" || true)"
}

# verdict FILE: what analyze concluded (from --format json, run once outside the timings)
verdict() {
  "${FL[@]}" analyze "$1" --format json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
inc = r.get("incidents", [])
out = []
for i in inc:
    v = i.get("verdict") or {}
    c = v.get("culprit") or {}
    p = c.get("path") or "-"
    out.append("%s %s -> %s %s:%s" % (i.get("kind"), i.get("signal") or "", v.get("class"), p.split("/lg/")[-1], c.get("line")))
print("%d incident(s)%s%s" % (len(inc), ": " if out else "", "; ".join(out[:3]) + (" ..." if len(out) > 3 else "")))
' 2>/dev/null || echo "(could not read analyze --format json)"
}

ROWS=()
WC_SEC=""
# bench LABEL FILE NRUNS CMD... (FILE is only used for its size; CMD names it itself)
bench() {
  local label="$1" file="$2" n="$3"; shift 3
  measure "$label" "$file" "$n" "$@"
  local bytes mbs ratio rssmb note=""
  bytes=$(stat -c %s "$file")
  mbs=$(awk -v b="$bytes" -v s="$M_SEC" -v M=$MiB 'BEGIN{ if (s > 0) printf "%.0f", b/M/s; else print "inf" }')
  rssmb=$(awk -v k="$M_RSS_KB" 'BEGIN{printf "%.0f", k/1024}')
  case "$label" in *start-up*) mbs="-" ;; esac
  if [ "$label" = "wc -l" ]; then WC_SEC=$M_SEC; fi
  ratio=$(awk -v s="$M_SEC" -v w="${WC_SEC:-0}" 'BEGIN{ if (w > 0) printf "%.1fx", s/w; else print "-" }')
  # analyze's verdict codes (20 culprit named, 21 incidents without one; docs/cli.md) are a finished run, not a failure
  if [ "$M_RC" -ne 0 ] && [ "$M_RC" -ne 20 ] && [ "$M_RC" -ne 21 ]; then
    note="FAILED exit $M_RC${M_ERR:+: $M_ERR}"
  fi
  ROWS+=("$(printf '| %-44s | %9s | %7s | %8s | %7s | %s |' "$label" "$M_SEC" "$mbs" "$rssmb" "$ratio" "$note")")
}

print_table() {
  local title="$1" file="$2"
  local bytes lines
  bytes=$(stat -c %s "$file")
  lines=$3
  echo
  echo "### $title: $(basename "$file"), $(awk -v b="$bytes" -v M=$MiB 'BEGIN{printf "%.0f", b/M}') MiB, $lines lines"
  echo
  printf '| %-44s | %9s | %7s | %8s | %7s | %s |\n' "tool" "seconds" "MiB/s" "RSS MiB" "vs wc" "note"
  printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "----------:" "--------:" "---------:" "--------:" "---"
  local r
  for r in "${ROWS[@]}"; do echo "$r"; done
  ROWS=()
}

run_suite() {
  local file="$1" n="$2" tag="$3"
  WC_SEC=""
  cat "$file" >/dev/null   # warm the page cache
  bench "wc -l" "$file" "$n" wc -l "$file"
  bench "cat > /dev/null" "$file" "$n" cat "$file"
  if command -v awk >/dev/null 2>&1; then
    bench "awk 'END{print NR}' ($(basename "$(readlink -f "$(command -v awk)")"))" "$file" "$n" awk 'END{print NR}' "$file"
  fi
  bench "faultline --version (JVM start-up only)" "$file" "$n" "${FL[@]}" --version
  bench "faultline events --format none" "$file" "$n" "${FL[@]}" events --format none "$file"
  if [ "$ANALYZE" = 1 ]; then
    bench "faultline analyze --format json" "$file" "$n" "${FL[@]}" analyze "$file" --format json
  fi
  bench "faultline events --format none (-Xmx256m)" "$file" "$n" "${FL256[@]}" events --format none "$file"
  if [ "$ANALYZE" = 1 ]; then
    bench "faultline analyze --format json (-Xmx256m)" "$file" "$n" "${FL256[@]}" analyze "$file" --format json
  fi
  # the peer tool: mgedmin/strace-process-tree (Python, not packaged by Debian), from a checkout named by the caller
  if [ -n "${STRACE_PROCESS_TREE:-}" ] && [ -f "$STRACE_PROCESS_TREE/strace_process_tree.py" ]; then
    bench "strace-process-tree (python3)" "$file" "$n" python3 "$STRACE_PROCESS_TREE/strace_process_tree.py" "$file"
  else
    SPT_NOTE="strace-process-tree not measured: set STRACE_PROCESS_TREE to a checkout of github.com/mgedmin/strace-process-tree"
  fi
  local lines
  lines=$(wc -l <"$file")
  print_table "$tag" "$file" "$lines"
  if [ "$ANALYZE" = 1 ]; then
    echo
    echo "analyze on $(basename "$file"): $(verdict "$file")"
  fi
  if [ -n "${SPT_NOTE:-}" ]; then
    echo
    echo "$SPT_NOTE"
  fi
}

# ---- record ------------------------------------------------------------------------------------
STRACE=(strace -f -tt -T -yy -s 64)
LGARGS=(-t "$THREADS" -d "$WORK/lg")
[ "$CRASH" = 1 ] && LGARGS+=(-x)
# run_loadgen OUT|- N: loadgen under strace (OUT) or alone (-); a -x crash is expected, anything else fails
run_loadgen() {
  local out="$1" n="$2" rc
  set +e
  # (the outer braces catch bash's own "Segmentation fault" job message)
  if [ "$out" = - ]; then
    { (ulimit -c 0; exec "$LOADGEN" "${LGARGS[@]}" "$n") 2>"$WORK/loadgen.err"; } 2>/dev/null
  else
    { (ulimit -c 0; exec "${STRACE[@]}" -o "$out" "$LOADGEN" "${LGARGS[@]}" "$n") 2>"$WORK/loadgen.err"; } 2>/dev/null
  fi
  rc=$?
  set -e
  rm -rf "$WORK/lg"
  if [ "$rc" -ne 0 ] && ! { [ "$CRASH" = 1 ] && [ "$rc" -eq 139 ]; }; then
    log "loadgen${out:+ under strace} failed with exit $rc:"; cat "$WORK/loadgen.err" >&2; exit 1
  fi
}
target_bytes=$((SIZE_MB * MiB))
rm -rf "$WORK/lg"
if [ "${REUSE:-0}" = 1 ] && [ -f "$WORK/big.txt" ] && [ -f "$WORK/record.env" ] \
    && [ "$(stat -c %s "$WORK/big.txt")" -ge "$target_bytes" ]; then
  log "reusing $WORK/big.txt"
  # shellcheck disable=SC1091
  . "$WORK/record.env"
else
  calib_n=1000
  log "calibrating: ${STRACE[*]} loadgen $calib_n"
  run_loadgen "$WORK/calib.txt" "$calib_n"
  calib_bytes=$(stat -c %s "$WORK/calib.txt")
  rm -f "$WORK/calib.txt"
  # +10% margin; the thread interleaving (and so the number of unfinished/resumed pairs) varies
  N=$(awk -v t="$target_bytes" -v b="$calib_bytes" -v n="$calib_n" 'BEGIN{printf "%d", t / (b / n) * 1.10 + 1}')
  while :; do
    log "recording: ${STRACE[*]} -o $WORK/big.txt loadgen ${LGARGS[*]} $N"
    t0=$(now_ns)
    run_loadgen "$WORK/big.txt" "$N"
    t1=$(now_ns)
    REC_MS=$(( (t1 - t0) / 1000000 ))
    got=$(stat -c %s "$WORK/big.txt")
    [ "$got" -ge "$target_bytes" ] && break
    N=$(awk -v t="$target_bytes" -v b="$got" -v n="$N" 'BEGIN{printf "%d", n * t / b * 1.05 + 1}')
    log "only $got bytes; again with N=$N"
  done
  # loadgen alone, same N, best of RUNS
  LG_MS=""
  for ((r = 1; r <= RUNS; r++)); do
    t0=$(now_ns)
    run_loadgen - "$N"
    t1=$(now_ns)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$LG_MS" ] || [ "$ms" -lt "$LG_MS" ]; then LG_MS=$ms; fi
  done
  printf 'N=%s\nREC_MS=%s\nLG_MS=%s\n' "$N" "$REC_MS" "$LG_MS" >"$WORK/record.env"
fi

big_bytes=$(stat -c %s "$WORK/big.txt")
big_lines=$(wc -l <"$WORK/big.txt")

echo "## faultline parse benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- machine: $(nproc) vCPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
  "$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
echo "- $("$JAVA" -version 2>&1 | head -n 2 | tail -n 1); $(strace -V | head -n 1)"
echo "- faultline: java $JFLAGS $EXTRA_JAVA_OPTS -jar faultline.jar (snapshot of target/faultline.jar," \
  "sha256 $(sha256sum "$WORK/faultline.jar" | cut -c1-12), git $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$here" status --porcelain -- src pom.xml 2>/dev/null)" ] && echo ' + uncommitted src changes'))"
echo "- load average before the timings: $(cut -d' ' -f1-3 /proc/loadavg) (2 vCPU machines are easily disturbed: check it is near 0)"
echo "- analyze: $([ "$ANALYZE" = 1 ] && echo 'works, benchmarked' || echo 'not working yet, skipped')"
echo "- best of $RUNS runs; RSS column = max RSS over the runs (/usr/bin/time %M); 'vs wc' = seconds / seconds of wc -l"
echo
echo "### Recording cost (loadgen ${LGARGS[*]} $N)"
echo
awk -v rec="$REC_MS" -v lg="$LG_MS" -v b="$big_bytes" -v l="$big_lines" -v M=$MiB 'BEGIN{
  printf "| run | seconds | note |\n|---|---:|---|\n";
  printf "| loadgen untraced (best of runs) | %.3f | |\n", lg/1000;
  printf "| strace -f -tt -T -yy -s 64 -o big.txt loadgen | %.3f | %.0fx slower; %.0f MiB, %d lines, %.0f lines/s, %.1f MiB/s written |\n",
    rec/1000, (lg > 0 ? rec/lg : 0), b/M, l, l/(rec/1000), b/M/(rec/1000);
}'

run_suite "$WORK/big.txt" "$RUNS" "Parse throughput"
if [ -n "${HTTPD_TRACE:-}" ]; then
  [ -f "$HTTPD_TRACE" ] || { log "HTTPD_TRACE=$HTTPD_TRACE is not a file"; exit 1; }
  run_suite "$HTTPD_TRACE" "$RUNS" "A real httpd trace"
fi

if [ "$BIG" = 1 ]; then
  big_target=$((BIG_MB * MiB))
  copies=$(( (big_target + big_bytes - 1) / big_bytes ))
  log "synthesizing $WORK/huge.txt: $copies copies of big.txt"
  : >"$WORK/huge.txt"
  for ((i = 0; i < copies; i++)); do cat "$WORK/big.txt" >>"$WORK/huge.txt"; done
  run_suite "$WORK/huge.txt" "$RUNS_BIG" "Peak memory ($copies concatenated copies of big.txt)"
fi
