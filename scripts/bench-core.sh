#!/usr/bin/env bash
# Core-file reading benchmark for `faultline core` (see docs/performance.md).
#
#   scripts/bench-core.sh
#
# 1. Makes a real core of `native/build/crashme bigcore` with native/make-core.sh into $WORK/big/:
#    1152 MiB of anonymous memory with one touched page every 64 MiB, so the core is > 1 GiB
#    apparent size but sparse on disk (the kernel seeks over the unpopulated pages). Its apparent
#    and on-disk sizes are printed.
# 2. Checks first, on a small core (crashme deadbeef), that `./faultline core CORE --format json`
#    works at all; if it does not, the script stops with one line saying so (exit 1).
# 3. Times, on the big core, in $ROUNDS interleaved rounds after one untimed warm-up round (wall
#    clock, best per row; max RSS via /usr/bin/time %M when it is installed):
#      ./faultline core CORE --format json >/dev/null
#      eu-readelf -n CORE                                     (elfutils; the 1.00 reference)
#      eu-stack --core CORE -e native/build/crashme           (elfutils, when installed)
#      gdb -q -batch -nx -iex 'set debuginfod enabled off' -ex bt native/build/crashme CORE
#                                                             (when gdb is installed)
#      wc -l CORE   (reads every byte of the file, holes included: a floor for "read it all".
#                    `wc -c FILE` would only stat() it, so it is not a read at all)
#    and prints a Markdown table: seconds, ratio to eu-readelf -n, max RSS, and a note when a
#    command failed (its exit status and first stderr line; the row is still timed).
#
# ./faultline is the launcher: it is run once before the timings so that a rebuild cannot land
# inside one; the launcher's own stale check (one find over src/main) is part of every faultline row.
#
# Environment: ROUNDS (3), WORK (default /tmp/faultline-bench-core), KEEP=1 keeps the cores.
# Nothing is written into the repo except native/build/ and target/ (the normal build outputs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

for a in "$@"; do
  case "$a" in
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-core: unknown argument: $a (usage: bench-core.sh)" >&2; exit 64 ;;
  esac
done
ROUNDS="${ROUNDS:-3}"
WORK="${WORK:-/tmp/faultline-bench-core}"
FAULTLINE="$here/faultline"
MAKE_CORE="$here/native/make-core.sh"
CRASHME="$here/native/build/crashme"
MiB=1048576

log() { echo "bench-core: $*" >&2; }
die() { log "$*"; exit 1; }

for t in gcc make; do command -v "$t" >/dev/null 2>&1 || die "needs $t"; done
command -v eu-readelf >/dev/null 2>&1 || die "needs eu-readelf (apt-get install elfutils)"
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1

mkdir -p "$WORK"
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK/big" "$WORK/small"; fi
  rm -f "$WORK/time.out" "$WORK/err.txt"
}
trap cleanup EXIT

# ---- build and probe ---------------------------------------------------------------------------
make -s -C "$here/native" build/crashme build/libcrashlib.so >&2
if ! "$FAULTLINE" --version >/dev/null 2>"$WORK/err.txt"; then
  die "./faultline does not build: $(grep -v -e '^$' -e 'faultline: building' "$WORK/err.txt" | head -n 1 || true)"
fi
rm -rf "$WORK/small"
"$MAKE_CORE" deadbeef "$WORK/small" >/dev/null || die "native/make-core.sh deadbeef failed"
if ! "$FAULTLINE" core "$WORK/small/core" --format json >/dev/null 2>"$WORK/err.txt"; then
  die "./faultline core is not available: $(grep -v '^$' "$WORK/err.txt" | head -n 1 || echo "exit status without stderr")"
fi

rm -rf "$WORK/big"
log "making a bigcore with native/make-core.sh"
HOW="$("$MAKE_CORE" bigcore "$WORK/big")" || die "native/make-core.sh bigcore failed"
CORE="$WORK/big/core"
apparent=$(du -B1 --apparent-size "$CORE" | cut -f1)
ondisk=$(du -B1 "$CORE" | cut -f1)

# ---- timing ------------------------------------------------------------------------------------
now_ns() { date +%s%N; }
# run_once CMD...: sets R_MS (wall ms), R_KB (max RSS KB or empty), R_RC, R_ERR (first stderr line)
run_once() {
  local t0 t1
  set +e
  t0=$(now_ns)
  if [ "$HAVE_TIME" = 1 ]; then
    /usr/bin/time -f '%M' -o "$WORK/time.out" "$@" </dev/null >/dev/null 2>"$WORK/err.txt"
  else
    "$@" </dev/null >/dev/null 2>"$WORK/err.txt"
  fi
  R_RC=$?
  t1=$(now_ns)
  set -e
  R_MS=$(( (t1 - t0) / 1000000 ))
  R_KB=""
  [ "$HAVE_TIME" = 1 ] && R_KB=$(tail -n 1 "$WORK/time.out")
  R_ERR="$(grep -v -e '^$' -e '^Command exited with non-zero status' "$WORK/err.txt" | head -n 1 || true)"
}

LABELS=() CMDS=()
add_row() { LABELS+=("$1"); shift; CMDS+=("$(printf '%q ' "$@")"); }
add_row "faultline core --format json" "$FAULTLINE" core "$CORE" --format json
# the JVM's own start-up, to tell it apart from the core reading
add_row "faultline --version (JVM start only)" "$FAULTLINE" --version
add_row "eu-readelf -n" eu-readelf -n "$CORE"
if command -v eu-stack >/dev/null 2>&1; then
  add_row "eu-stack --core -e crashme" eu-stack --core "$CORE" -e "$CRASHME"
else
  log "eu-stack not installed: row skipped"
fi
if command -v gdb >/dev/null 2>&1; then
  add_row "gdb -batch -ex bt" gdb -q -batch -nx -iex 'set debuginfod enabled off' -ex bt "$CRASHME" "$CORE"
else
  log "gdb not installed: row skipped"
fi
add_row "wc -l (reads every byte)" wc -l "$CORE"

declare -a BEST_MS BEST_KB NOTE
n=${#LABELS[@]}
for ((i = 0; i < n; i++)); do BEST_MS[i]=""; BEST_KB[i]=0; NOTE[i]=""; done

for round in $(seq 0 "$ROUNDS"); do   # round 0: untimed warm-up (page cache, JIT-less first start)
  for ((i = 0; i < n; i++)); do
    eval "run_once ${CMDS[i]}"
    if [ "$round" = 0 ]; then
      log "warm-up ${LABELS[i]}: $(awk -v m="$R_MS" 'BEGIN{printf "%.3f", m/1000}') s, exit $R_RC"
      continue
    fi
    log "round $round ${LABELS[i]}: $(awk -v m="$R_MS" 'BEGIN{printf "%.3f", m/1000}') s, ${R_KB:--} KB max RSS, exit $R_RC"
    if [ -z "${BEST_MS[i]}" ] || [ "$R_MS" -lt "${BEST_MS[i]}" ]; then BEST_MS[i]=$R_MS; fi
    if [ -n "$R_KB" ] && [ "$R_KB" -gt "${BEST_KB[i]}" ] 2>/dev/null; then BEST_KB[i]=$R_KB; fi
    if [ "$R_RC" != 0 ]; then NOTE[i]="exit $R_RC${R_ERR:+: $R_ERR}"; fi
  done
done

REF_MS=""
for ((i = 0; i < n; i++)); do [ "${LABELS[i]}" = "eu-readelf -n" ] && REF_MS=${BEST_MS[i]}; done

echo "## faultline core benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo
echo "- machine: $(nproc) vCPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
  "$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
echo "- core: crashme bigcore, $(awk -v b="$apparent" -v M=$MiB 'BEGIN{printf "%.0f MiB (%d bytes)", b/M, b}') apparent," \
  "$(awk -v b="$ondisk" -v M=$MiB 'BEGIN{printf "%.1f MiB", b/M}') on disk; ${HOW#make-core: }"
echo "- $(eu-readelf --version | head -n 1)$(command -v gdb >/dev/null 2>&1 && echo "; $(gdb --version | head -n 1)")"
echo "- faultline: git $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git -C "$here" status --porcelain -- src pom.xml 2>/dev/null)" ] && echo ' + uncommitted src changes')"
echo "- load average before the timings: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- best of $ROUNDS interleaved rounds after one warm-up round; RSS = max over the rounds (/usr/bin/time %M)"
echo
printf '| %-30s | %8s | %12s | %8s | %s |\n' "tool" "seconds" "vs eu-readelf" "RSS MiB" "note"
printf '|%s|%s|%s|%s|%s|\n' "--------------------------------" "---------:" "--------------:" "---------:" "---"
for ((i = 0; i < n; i++)); do
  sec=$(awk -v m="${BEST_MS[i]}" 'BEGIN{printf "%.3f", m/1000}')
  ratio=$(awk -v m="${BEST_MS[i]}" -v r="$REF_MS" 'BEGIN{ if (r == "" || r == 0) print "-"; else printf "%.2fx", m/r }')
  rss=$(awk -v k="${BEST_KB[i]}" -v h="$HAVE_TIME" 'BEGIN{ if (h != 1) print "-"; else printf "%.0f", k/1024 }')
  printf '| %-30s | %8s | %12s | %8s | %s |\n' "${LABELS[i]}" "$sec" "$ratio" "$rss" "${NOTE[i]:+FAILED }${NOTE[i]}"
done
