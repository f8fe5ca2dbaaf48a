#!/usr/bin/env bash
# Live-capture overhead benchmark on a real Apache httpd (see docs/performance.md).
#
#   scripts/bench-attach.sh                   # throughput: untraced, strace -f, faultline full, sentinel
#   scripts/bench-attach.sh --crash-latency   # time from a crashing request to faultline's verdict
#   scripts/bench-attach.sh --escalation      # req/s and failed requests under a crash loop, per --escalate policy
#
# Throughput: an event-MPM server from native/apache/live-apache.sh on 127.0.0.1, loaded with
#   ab -q -n $REQUESTS -c $CONCURRENCY http://127.0.0.1:PORT/index.html
# after one warm-up run, once per row:
#   untraced            nothing attached
#   strace -f           strace -f -qq -o /dev/null -p PARENT -p CHILD... (every server process)
#   faultline full      ./faultline attach --mode full --duration 120 PARENT
#   faultline sentinel  ./faultline attach --duration 120 PARENT        (sentinel is the default mode; it follows the
#                       server's error and access logs)
#   --no-log-watch      the same sentinel without the log watches: the difference is what the 5xx watch costs
# A tracer is started in the background; after 2 s (strace: once every thread shows it as TracerPid)
# ab runs, then the tracer gets SIGINT and is waited for. Targets (issue #7): full >= 1.2x strace, sentinel
# >= 0.95x untraced. A faultline row that cannot attach prints "faultline attach failed: ..." and the
# other rows are still measured.
#
# --crash-latency: a $LATENCY_MPM server; `./faultline attach --max-crashes 1 --duration 120 PARENT` (sentinel);
# once it has seized every process, a crashing request. LATENCY_CASE=htaccess (default): GET /crash/,
# mod_crashconf segfaults the child while parsing htdocs/crash/.htaccess line 3. LATENCY_CASE=location:
# GET /crash-loc/, the child segfaults in the fixups hook on `CrashConfHandler proxxy` from a
# server-level <Location> in conf/conf.d/50-app.conf line 5, a file the child never reads. Reports the
# milliseconds from the request to faultline's first stdout line, to its line naming the culprit file,
# and to its exit; $LATENCY_RUNS times. LATENCY_CASE=http500: GET /typo/ answers 500 (typo/.htaccess line 2,
# `RewriteEngin On`); no crash: the sentinel sees it through the error log it follows. LATENCY_CASE=fpm: an event
# server with a php-fpm pool (LIVE_APACHE_FPM=1); GET /fpm/ answers 500 because fpm/index.php line 3 requires a
# missing file; the sentinel traces the pool too and names the line from httpd's AH01071 entry.
#
# Environment: ROUNDS (3; the rows are measured in ROUNDS interleaved rounds, best per row), REQUESTS (20000), CONCURRENCY (8), PORT (18290; 18291 for --crash-latency),
# LATENCY_RUNS (3), LATENCY_CASE (htaccess|location|http500|fpm), LATENCY_MPM (prefork|event), WORK (/tmp/faultline-bench-attach). Needs root, apache2, ab, curl, strace.
# Everything stays on 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

MODE=throughput
for a in "$@"; do
  case "$a" in
    --crash-latency) MODE=latency ;;
    --escalation) MODE=escalation ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-attach: unknown argument: $a (usage: bench-attach.sh [--crash-latency|--escalation])" >&2; exit 64 ;;
  esac
done
REQUESTS="${REQUESTS:-20000}"
CONCURRENCY="${CONCURRENCY:-8}"
ROUNDS="${ROUNDS:-3}"
LATENCY_RUNS="${LATENCY_RUNS:-3}"
WORK="${WORK:-/tmp/faultline-bench-attach}"
case "$MODE" in latency) PORT="${PORT:-18291}" ;; escalation) PORT="${PORT:-18292}" ;; *) PORT="${PORT:-18290}" ;; esac
LIVE="$here/native/apache/live-apache.sh"
FAULTLINE="$here/faultline"
SRV="$WORK/httpd"

log() { echo "bench-attach: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (ptrace of www-data children, apache2 start)"
[ -x /usr/sbin/apache2 ] || die "needs apache2 (apt-get install apache2)"
for t in curl strace; do command -v "$t" >/dev/null || die "needs $t"; done
[ "$MODE" = latency ] || command -v ab >/dev/null || die "needs ab (apt-get install apache2-utils)"

mkdir -p "$WORK"
# Background jobs of a non-interactive shell start with SIGINT ignored, and a JVM (or strace) that
# starts with SIGINT ignored keeps ignoring it: tracers are started through `env --default-signal=INT`
# (an array, not a function: a backgrounded function is a subshell, and $! would not be the tracer).
DEFAULT_INT=(env --default-signal=INT)

TRACER=""          # pid of a running tracer, killed on exit
TRACER_RC=0
cleanup() {
  if [ -n "$TRACER" ] && kill -0 "$TRACER" 2>/dev/null; then kill -KILL "$TRACER" 2>/dev/null || true; fi
  "$LIVE" stop "$SRV" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# ---- helpers -----------------------------------------------------------------------------------
server_pids() { # PARENT -> parent and its current children
  echo "$1"
  cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true
}

# all_traced_by TRACER PID...: every thread of every PID is traced by process TRACER. TracerPid is the
# tid of the tracing *thread* (a JVM traces from one dedicated thread), so any thread of TRACER counts.
all_traced_by() {
  local t=$1 p s tp; shift
  for p in "$@"; do
    for s in /proc/"$p"/task/*/status; do
      [ -r "$s" ] || continue
      tp=$(awk '/^TracerPid:/{print $2}' "$s" 2>/dev/null)
      [ -n "$tp" ] && [ "$tp" != 0 ] || return 1
      [ "$tp" = "$t" ] || [ -d "/proc/$t/task/$tp" ] || return 1
    done
  done
}

# none_traced PID...: no thread of PID has a tracer (a clean detach)
none_traced() {
  local p s
  for p in "$@"; do
    for s in /proc/"$p"/task/*/status; do
      [ "$(awk '/^TracerPid:/{print $2}' "$s" 2>/dev/null || echo 0)" = 0 ] || return 1
    done
  done
}

http_code() { curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true; }

start_server() { # MPM
  PARENT=$("$LIVE" start "$SRV" "$PORT" "$1") || die "could not start apache2 ($1) on 127.0.0.1:$PORT"
}

# ab_rps -> prints req/s, or fails with ab's last error line in AB_ERR
AB_ERR=""
ab_rps() {
  local out rc=0
  out=$(timeout 600 ab -q -s 10 -n "$REQUESTS" -c "$CONCURRENCY" "http://127.0.0.1:$PORT/index.html" 2>&1) || rc=$?
  if [ "$rc" != 0 ]; then AB_ERR="ab exit $rc: $(echo "$out" | grep -v '^$' | tail -n 1)"; return 1; fi
  echo "$out" | awk '/^Failed requests:/ && $3 != 0 {print "bench-attach: warning: " $0 > "/dev/stderr"}
                     /^Requests per second:/ {print $4}'
}

# stop_tracer NAME: SIGINT, wait up to 30 s, then SIGKILL (and say so)
stop_tracer() {
  local name=$1 i
  kill -INT "$TRACER" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$TRACER" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$TRACER" 2>/dev/null; then
    log "$name did not exit within 30 s of SIGINT; sending SIGKILL"
    kill -KILL "$TRACER" 2>/dev/null || true
  fi
  TRACER_RC=0
  wait "$TRACER" 2>/dev/null || TRACER_RC=$?
  TRACER=""
}

# after a traced row: the server must still answer, untraced; otherwise restart it
check_server() { # ROWNAME MPM
  local pids i
  for i in $(seq 1 20); do
    # shellcheck disable=SC2046
    none_traced $(server_pids "$PARENT") && break
    sleep 0.1
  done
  # shellcheck disable=SC2046
  none_traced $(server_pids "$PARENT") || log "after $1: some server thread still has a tracer"
  if [ "$(http_code /index.html)" != 200 ]; then
    log "after $1: the server no longer answers; restarting it"
    "$LIVE" stop "$SRV" >&2 || true
    start_server "$2"
  fi
}

build_faultline() {
  # The launcher rebuilds itself when src/ changed: do it now, so that no build lands inside a
  # timing. If the build fails, `./faultline attach` would only rebuild (and fail) again.
  FL_BUILD_ERR=""
  if ! "$FAULTLINE" --version >/dev/null 2>"$WORK/build.err"; then
    FL_BUILD_ERR="$(grep -v -e '^$' -e 'faultline: building' "$WORK/build.err" | head -n 1 || true)"
    FL_BUILD_ERR="${FL_BUILD_ERR:-./faultline --version failed}"
    log "faultline does not build: $FL_BUILD_ERR"
  fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "-") print "n/a"; else if (r + 0 >= t + 0) print "met"; else print "NOT met" }'; }

best() { # the larger of two req/s figures (either may be empty)
  if [ -z "$1" ]; then echo "$2"; elif [ -z "$2" ]; then echo "$1"; else awk -v a="$1" -v b="$2" 'BEGIN{print (a > b) ? a : b}'; fi
}

# ---- throughput --------------------------------------------------------------------------------
throughput() {
  build_faultline
  start_server event
  log "event MPM server, parent $PARENT, port $PORT; ab -n $REQUESTS -c $CONCURRENCY; $(nproc) CPUs"
  ab_rps >/dev/null || die "warm-up failed: $AB_ERR"

  # ROUNDS rounds of the four rows, interleaved, best req/s per row: single ab runs vary by 15 % here
  local untraced="" strace_rps="" full="" sentinel="" bare="" note_strace="" note_full="" note_sentinel="" note_bare="" rps round
  for round in $(seq 1 "$ROUNDS"); do
    rps=$(ab_rps) || { log "untraced: $AB_ERR"; rps=""; }; untraced=$(best "$untraced" "$rps")
    log "round $round untraced: ${rps:-failed} req/s"

    # strace: -p for the parent (with -f, for children forked later) and for every existing child
    local args=() p i
    for p in $(server_pids "$PARENT"); do args+=(-p "$p"); done
    "${DEFAULT_INT[@]}" strace -f -qq -o /dev/null "${args[@]}" </dev/null 2>"$WORK/strace.err" &
    TRACER=$!
    # shellcheck disable=SC2046
    for i in $(seq 1 100); do all_traced_by "$TRACER" $(server_pids "$PARENT") && break; sleep 0.05; done
    if kill -0 "$TRACER" 2>/dev/null; then
      rps=$(ab_rps) || { note_strace="$AB_ERR"; rps=""; }; strace_rps=$(best "$strace_rps" "$rps")
      stop_tracer strace
    else
      wait "$TRACER" || true; TRACER=""
      note_strace="strace failed: $(head -n 1 "$WORK/strace.err")"
    fi
    log "round $round strace -f: ${rps:-failed} req/s ${note_strace}"
    check_server "strace" event

    if faultline_row full --mode full; then full=$(best "$full" "$FL_RPS"); else note_full="$FL_ERR"; fi
    check_server "faultline full" event
    if faultline_row sentinel; then sentinel=$(best "$sentinel" "$FL_RPS"); else note_sentinel="$FL_ERR"; fi
    check_server "faultline sentinel" event
    # the same sentinel without following the error and access logs: what the 5xx watch costs
    if faultline_row sentinel-nolog --no-log-watch; then bare=$(best "$bare" "$FL_RPS"); else note_bare="$FL_ERR"; fi
    check_server "faultline sentinel --no-log-watch" event
  done

  local r_full r_sent
  r_full=$(ratio "$full" "$strace_rps")
  r_sent=$(ratio "$sentinel" "$untraced")
  echo
  echo "apache2 event MPM, ab -n $REQUESTS -c $CONCURRENCY http://127.0.0.1:$PORT/index.html ($(nproc) CPUs)"
  printf '  %-20s %10s req/s  %s\n' "untraced" "${untraced:--}" ""
  printf '  %-20s %10s req/s  %s\n' "strace -f" "${strace_rps:--}" "$note_strace"
  printf '  %-20s %10s req/s  %s\n' "faultline full" "${full:--}" "$note_full"
  printf '  %-20s %10s req/s  %s\n' "faultline sentinel" "${sentinel:--}" "$note_sentinel"
  printf '  %-20s %10s req/s  %s\n' "  --no-log-watch" "${bare:--}" "$note_bare"
  echo "  full / strace        = $r_full  (target >= 1.2: $(meets "$r_full" 1.2))"
  echo "  sentinel / untraced  = $r_sent  (target >= 0.95: $(meets "$r_sent" 0.95))"
  echo "  sentinel without the log watch / untraced = $(ratio "$bare" "$untraced")"
}

# faultline_row NAME [ARGS...]: sets FL_RPS to the req/s under `./faultline attach ARGS --duration 120
# PARENT`, or fails with FL_ERR set.
FL_ERR=""
FL_RPS=""
faultline_row() {
  local name=$1; shift
  local out="$WORK/attach-$name.out" err="$WORK/attach-$name.err" rps i
  FL_RPS=""
  if [ -n "$FL_BUILD_ERR" ]; then
    FL_ERR="faultline attach failed: $FL_BUILD_ERR"
    log "faultline $name: $FL_ERR"
    return 1
  fi
  : > "$err"
  "${DEFAULT_INT[@]}" "$FAULTLINE" attach "$@" --duration 120 "$PARENT" </dev/null >"$out" 2>"$err" &
  TRACER=$!
  sleep 2
  # shellcheck disable=SC2046
  for i in $(seq 1 50); do
    kill -0 "$TRACER" 2>/dev/null || break
    all_traced_by "$TRACER" $(server_pids "$PARENT") && break
    sleep 0.1
  done
  # shellcheck disable=SC2046
  if kill -0 "$TRACER" 2>/dev/null && ! all_traced_by "$TRACER" $(server_pids "$PARENT"); then
    log "faultline $name: warning: not every server thread is traced 7 s after the start"
  fi
  if ! kill -0 "$TRACER" 2>/dev/null; then
    wait "$TRACER" 2>/dev/null || true; TRACER=""
    FL_ERR="faultline attach failed: $(grep -v '^$' "$err" | head -n 1)"
    [ "$FL_ERR" = "faultline attach failed: " ] && FL_ERR="faultline attach failed: exited before the run (no stderr)"
    log "faultline $name: $FL_ERR"
    return 1
  fi
  if ! rps=$(ab_rps); then
    stop_tracer "faultline $name"
    FL_ERR="$AB_ERR"
    log "faultline $name: $FL_ERR"
    return 1
  fi
  stop_tracer "faultline $name"
  log "faultline $name: $rps req/s (faultline exit $TRACER_RC after SIGINT)"
  FL_RPS=$rps
}

# ---- escalation cost ---------------------------------------------------------------------------
# A prefork server under `ab -n $ESC_REQUESTS -c 8` while a crash loop requests /crash-loc/ every 0.5 s (each request
# crashes a child in its fixups hook; the first crash names no file, so a sentinel escalates). Rows: untraced, and
# `faultline attach --max-incidents 0` with --escalate=off, window:5, window:60 with every child in full (the
# old way), window:60 with a quarter of the children in full (the default, --escalate-share 0.25) and full (the
# first behaviour: every process, until the end). Each row on a fresh server. Prints req/s, failed requests (ab's Failed +
# Non-2xx) and crashes seen in the error log.
ESC_RESULTS=()
escalation_row() { # NAME [faultline attach ARGS...]; no ARGS: untraced
  local name=$1; shift
  "$LIVE" stop "$SRV" >/dev/null 2>&1 || true
  start_server prefork
  timeout 120 ab -q -s 10 -n 2000 -c 8 "http://127.0.0.1:$PORT/index.html" >/dev/null 2>&1 || true  # warm-up
  local before; before=$(grep -c "exit signal Segmentation fault" "$SRV/logs/error.log" 2>/dev/null || true)
  if [ $# -gt 0 ]; then
    "${DEFAULT_INT[@]}" "$FAULTLINE" attach "$@" --max-incidents 0 --duration 300 --format json "$PARENT" \
      </dev/null >"$WORK/esc-$name.out" 2>"$WORK/esc-$name.err" &
    TRACER=$!
    local i
    # shellcheck disable=SC2046
    for i in $(seq 1 100); do all_traced_by "$TRACER" $(server_pids "$PARENT") && break; sleep 0.1; done
  fi
  ( while :; do http_code /crash-loc/ >/dev/null; sleep 0.5; done ) &
  local looper=$!
  local out
  out=$(timeout 600 ab -q -s 10 -n "$ESC_REQUESTS" -c 8 "http://127.0.0.1:$PORT/index.html" 2>&1 || true)
  kill "$looper" 2>/dev/null || true; wait "$looper" 2>/dev/null || true
  if [ $# -gt 0 ]; then stop_tracer "faultline $name"; fi
  local rps failed non2xx crashes
  rps=$(echo "$out" | awk '/^Requests per second:/ {print $4}')
  failed=$(echo "$out" | awk '/^Failed requests:/ {print $3}')
  non2xx=$(echo "$out" | awk '/^Non-2xx responses:/ {print $3}')
  crashes=$(( $(grep -c "exit signal Segmentation fault" "$SRV/logs/error.log" 2>/dev/null || echo 0) - ${before:-0} ))
  ESC_RESULTS+=("$(printf '  %-34s %9s req/s  %6s failed  %6s non-2xx  %4s crashes' "$name" "${rps:--}" "${failed:-0}" "${non2xx:-0}" "$crashes")")
  log "$name: ${rps:-?} req/s, failed ${failed:-0}, non-2xx ${non2xx:-0}, $crashes crashes"
}

escalation() {
  build_faultline
  ESC_REQUESTS="${ESC_REQUESTS:-20000}"
  escalation_row "untraced"
  escalation_row "sentinel --escalate=off" --escalate off
  [ -n "${ESC_QUICK:-}" ] || escalation_row "sentinel --escalate=window:5" --escalate window:5
  escalation_row "window:60, every child (old way)" --escalate window:60 --escalate-share 1
  escalation_row "window:60, share 0.25 (default)" --escalate window:60
  escalation_row "window:60, one child (share 0.01)" --escalate window:60 --escalate-share 0.01
  [ -n "${ESC_QUICK:-}" ] || escalation_row "sentinel --escalate=full (before)" --escalate full --escalate-share 1
  echo
  echo "apache2 prefork, ab -n $ESC_REQUESTS -c 8 /index.html, a crashing request every 0.5 s ($(nproc) CPUs)"
  local r; for r in "${ESC_RESULTS[@]}"; do echo "$r"; done
}

# ---- crash latency -----------------------------------------------------------------------------
# Until the parent's once-a-second maintenance loop reaps it, a crashed child stays a zombie child of
# the parent; start the next run from a steady server (up to 3 s).
wait_reaped() {
  local i c z
  for i in $(seq 1 30); do
    z=0
    for c in $(cat /proc/"$PARENT"/task/*/children 2>/dev/null); do
      [ "$(awk '/^State:/{print $2}' "/proc/$c/status" 2>/dev/null)" = Z ] && z=1
    done
    [ "$z" = 0 ] && return 0
    sleep 0.1
  done
  log "a crashed child of $PARENT is still unreaped after 3 s"
}

crash_latency() {
  local mpm="${LATENCY_MPM:-prefork}" url want want_re line_no
  case "${LATENCY_CASE:-htaccess}" in
    htaccess) url=/crash/; want="crash/.htaccess"; line_no=3 ;;
    location) url=/crash-loc/; want="conf.d/50-app.conf"; line_no=5 ;;
    http500) url=/typo/; want="typo/.htaccess"; line_no=2 ;;
    fpm) url=/fpm/; want="fpm/index.php"; line_no=3; mpm=event ;;
    *) die "LATENCY_CASE must be htaccess, location, http500 or fpm" ;;
  esac
  want_re=$(printf '%s' "$want" | sed 's/[.]/\\./g')
  build_faultline
  if [ "${LATENCY_CASE:-}" = fpm ]; then
    PARENT=$(LIVE_APACHE_FPM=1 "$LIVE" start "$SRV" "$PORT" event) || die "could not start apache2 + php-fpm on 127.0.0.1:$PORT"
  else
    start_server "$mpm"
  fi
  log "$mpm server, parent $PARENT, port $PORT, case ${LATENCY_CASE:-htaccess} ($url -> $want:$line_no)"
  local run results=() t0 t_first t_named t_exit line ms_first ms_named ms_exit i verdict
  for run in $(seq 1 "$LATENCY_RUNS"); do
    local out="$WORK/latency-$run.out" err="$WORK/latency-$run.err"
    if [ -n "$FL_BUILD_ERR" ]; then echo "run $run: faultline attach failed: $FL_BUILD_ERR"; continue; fi
    : > "$out"; : > "$err"
    # every stdout line gets a timestamp as it arrives ($EPOCHREALTIME: no fork per line)
    "${DEFAULT_INT[@]}" "$FAULTLINE" attach --max-crashes 1 --duration 120 "$PARENT" </dev/null 2>"$err" \
      > >(while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done > "$out") &
    TRACER=$!
    # attached = every thread of the parent and its children shows faultline's JVM as tracer
    for i in $(seq 1 200); do
      kill -0 "$TRACER" 2>/dev/null || break
      # shellcheck disable=SC2046
      all_traced_by "$TRACER" $(server_pids "$PARENT") && break
      sleep 0.05
    done
    # shellcheck disable=SC2046
    if ! kill -0 "$TRACER" 2>/dev/null || ! all_traced_by "$TRACER" $(server_pids "$PARENT"); then
      if kill -0 "$TRACER" 2>/dev/null; then stop_tracer faultline; else wait "$TRACER" 2>/dev/null || true; TRACER=""; fi
      local e; e=$(grep -v '^$' "$err" | head -n 1 || true)
      echo "run $run: faultline attach failed: ${e:-did not attach within 10 s}"
      check_server "latency run $run" "$mpm"
      continue
    fi
    t0=$EPOCHREALTIME
    http_code "$url" >/dev/null
    # faultline exits by itself after the first crash (--max-crashes 1)
    for i in $(seq 1 600); do kill -0 "$TRACER" 2>/dev/null || break; sleep 0.05; done
    t_exit=$EPOCHREALTIME
    if kill -0 "$TRACER" 2>/dev/null; then
      stop_tracer faultline
      echo "run $run: faultline did not exit within 30 s of the crash (stopped it)"
      check_server "latency run $run" "$mpm"
      continue
    fi
    wait "$TRACER" 2>/dev/null || true
    TRACER=""
    sleep 0.2 # let the timestamping reader drain
    t_first=$(awk 'NR == 1 {print $1}' "$out")
    t_named=$(awk -v re="$want_re" '$0 ~ re {print $1; exit}' "$out")
    ms_first=$(awk -v a="$t0" -v b="$t_first" 'BEGIN { if (b == "") print "-"; else printf "%.0f", (b - a) * 1000 }')
    ms_named=$(awk -v a="$t0" -v b="$t_named" 'BEGIN { if (b == "") print "-"; else printf "%.0f", (b - a) * 1000 }')
    ms_exit=$(awk -v a="$t0" -v b="$t_exit" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    verdict="culprit $want: no"
    grep -qiE "culprit.*$want_re" "$out" && verdict="culprit $want: yes"
    if grep -qE "$want_re(:| line )$line_no([^0-9]|\$)" "$out"; then verdict="$verdict, line $line_no: yes"; else verdict="$verdict, line $line_no: no"; fi
    echo "run $run: first report line ${ms_first} ms, line naming $want ${ms_named} ms, exit ${ms_exit} ms ($verdict)"
    [ "$ms_named" != "-" ] && results+=("$ms_named")
    check_server "latency run $run" "$mpm"
    wait_reaped
  done
  if [ "${#results[@]}" -gt 0 ]; then
    echo "crash -> verdict naming $want: median $(printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms over ${#results[@]} run(s)"
  fi
}

case "$MODE" in latency) crash_latency ;; escalation) escalation ;; *) throughput ;; esac
