#!/usr/bin/env bash
# faultline run against strace --seccomp-bpf on a syscall-heavy fixture (see docs/performance.md).
#
#   scripts/bench-run.sh [ITERATIONS]        (default 20000 per loadgen thread)
#
# One run measures, wall clock, best of $RUNS (default 3), on native/build/loadgen -t 4 ITERATIONS
# (4 threads on 127.0.0.1: stat/access/openat/read/close of config files, socket echo, log writes):
#   untraced
#   strace -f --seccomp-bpf -e trace=SET -qq -o /dev/null    (SET = the syscalls faultline's filter traces)
#   faultline run --strace-log /dev/null --                             (the same SET through its own seccomp filter)
#   faultline run --                                          (no log: only what the engine reads is decoded)
#   strace -f -qq -o /dev/null                                (every syscall, for scale)
# and prints each time and the ratio strace-seccomp / faultline (target: > 1, faultline faster).
# faultline's time includes its JVM start-up; `faultline --version` is timed too, to show that fixed cost.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-20000}"
RUNS="${RUNS:-3}"
WORK="${WORK:-/tmp/faultline-bench-run}"
mkdir -p "$WORK"
make -s -C "$here/native"
"$here/faultline" --version >/dev/null              # build the jar outside the timings
JAR="$WORK/faultline.jar"
cp "$here/target/faultline.jar" "$JAR"
FL=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR")
LOADGEN=("$here/native/build/loadgen" -t 4 "$N")
# the syscalls faultline's seccomp filter stops on (linux.SyscallSpec's engine calls: call(...) and fdCall(...),
# not logOnly(...)), as strace -e trace= wants them
SET=$(grep -oE '^\s+(call|fdCall)\("[a-z0-9_]+"' "$here/src/main/java/dev/faultline/linux/SyscallSpec.java" \
      | grep -oE '"[a-z0-9_]+"' | tr -d '"' | paste -sd, -)
[ -n "$SET" ] || { echo "bench-run: no syscall set found in SyscallSpec.java" >&2; exit 1; }

best() { # best wall time in seconds of RUNS runs of "$@"
  local b="" t
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 </dev/null || true
    e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN{print e - s}')
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN{exit !(t < b)}'; then b=$t; fi
  done
  printf '%.3f' "$b"
}

echo "# bench-run: loadgen -t 4 $N; $(nproc) CPUs; $(strace -V | head -1); best of $RUNS"
jvm=$(best "${FL[@]}" --version)
untraced=$(best "${LOADGEN[@]}")
strace_bpf=$(best strace -f --seccomp-bpf -e "trace=$SET" -qq -o /dev/null "${LOADGEN[@]}")
fl_log=$(best "${FL[@]}" run --strace-log /dev/null -- "${LOADGEN[@]}")
fl_nolog=$(best "${FL[@]}" run -- "${LOADGEN[@]}")
strace_all=$(best strace -f -qq -o /dev/null "${LOADGEN[@]}")
printf '%-52s %8ss\n' "faultline --version (JVM start-up)" "$jvm" \
  "untraced" "$untraced" \
  "strace -f --seccomp-bpf -e trace=SET -o /dev/null" "$strace_bpf" \
  "faultline run --strace-log /dev/null" "$fl_log" \
  "faultline run (no log)" "$fl_nolog" \
  "strace -f -o /dev/null (every syscall)" "$strace_all"
printf 'ratio strace-seccomp / faultline run -o: %.2f   / faultline run (no log): %.2f   (> 1: faultline faster)\n' \
  "$(awk -v a="$strace_bpf" -v b="$fl_log" 'BEGIN{print a / b}')" "$(awk -v a="$strace_bpf" -v b="$fl_nolog" 'BEGIN{print a / b}')"
