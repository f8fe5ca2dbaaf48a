#!/usr/bin/env bash
# Where does faultline spend its time on a big trace? Runs one faultline command under Java Flight
# Recorder (settings=profile: a Java stack sample every ~10 ms) and prints the hottest frames.
#
#   scripts/bench-profile.sh TRACE [events|analyze] [TOP]
#
# TRACE: e.g. the trace scripts/bench-parse.sh records (KEEP=1 keeps /tmp/faultline-bench/big.txt).
# events runs `events --format none`, analyze (default) runs `analyze --format json > /dev/null`.
# Prints "self" (the sample's top frame) and "inclusive" (anywhere on the stack, counted once per
# sample) counts with their share of all samples, the GC pause total and the allocation hot spots.
# The recording is kept as $WORK/faultline-<cmd>.jfr (WORK defaults to /tmp/faultline-bench) for
# `jfr print` / JDK Mission Control. Uses the JVM flags of the ./faultline launcher and
# target/faultline.jar as it is (it does not rebuild).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { echo "usage: bench-profile.sh TRACE [events|analyze] [TOP]" >&2; exit 64; }
trace="$1"
cmd="${2:-analyze}"
top="${3:-25}"
WORK="${WORK:-/tmp/faultline-bench}"
mkdir -p "$WORK"
command -v jfr >/dev/null 2>&1 || { echo "bench-profile: needs the JDK's jfr tool" >&2; exit 1; }
[ -f "$here/target/faultline.jar" ] || { echo "bench-profile: build first (./faultline --version)" >&2; exit 1; }

JFLAGS="$(sed -n 's/^exec java \(.*\) -jar .*/\1/p' "$here/faultline" | head -n 1)"
jfrfile="$WORK/faultline-$cmd.jfr"
case "$cmd" in
  events) args=(events --format none "$trace") ;;
  analyze) args=(analyze "$trace" --format json) ;;
  *) echo "bench-profile: command must be events or analyze" >&2; exit 64 ;;
esac

# shellcheck disable=SC2086
/usr/bin/time -f '%e s wall, %M KB max RSS' \
  java $JFLAGS -XX:StartFlightRecording=settings=profile,filename="$jfrfile" -Xlog:jfr+startup=warning \
  -jar "$here/target/faultline.jar" "${args[@]}" >/dev/null

hot() {
  awk -v top="$top" '
    /^jdk\.(ExecutionSample|ObjectAllocationSample)/ { total++; n = 0; delete seen }
    /line:/ {
      f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f)
      n++
      if (n == 1) self[f]++
      if (!(f in seen)) { seen[f] = 1; incl[f]++ }
    }
    END {
      printf "  %d samples\n  self (top frame):\n", total
      for (f in self) printf "%6d %5.1f%%  %s\n", self[f], 100 * self[f] / total, f | "sort -rn | head -n " top
      close("sort -rn | head -n " top)
      printf "  inclusive (on the stack):\n"
      for (f in incl) printf "%6d %5.1f%%  %s\n", incl[f], 100 * incl[f] / total, f | "sort -rn | head -n " top
      close("sort -rn | head -n " top)
    }'
}

echo "== CPU: jdk.ExecutionSample"
jfr print --stack-depth 64 --events jdk.ExecutionSample "$jfrfile" | hot
echo "== allocation: jdk.ObjectAllocationSample (sampled, not weighted by size)"
jfr print --stack-depth 64 --events jdk.ObjectAllocationSample "$jfrfile" | hot
echo "== GC"
jfr print --events jdk.GarbageCollection "$jfrfile" | awk '
  /sumOfPauses/ { v = $3; u = $4; if (u == "s") v *= 1000; else if (u == "us") v /= 1000; else if (u == "ns") v /= 1e6; ms += v; n++ }
  END { printf "  %d collections, %.0f ms of pauses in total\n", n, ms }'
jfr print --events jdk.GCHeapSummary "$jfrfile" | awk '
  /heapUsed/ { v = $3; u = $4; if (u == "kB") v /= 1024; else if (u == "GB") v *= 1024; else if (u == "bytes") v /= 1048576; if (v > max) max = v }
  END { printf "  largest heapUsed seen at a GC: %.0f MB\n", max }'
