#!/usr/bin/env bash
# Start-up time of the packaged launcher: `faultline --version` wall time with the AppCDS archive the package's
# postinst makes, and without it (FAULTLINE_CDS=off), plus the bare JVM for reference (docs/performance.md).
# Unpacks target/faultline_*.deb (built when missing: mvn package) into a scratch root with dpkg -x, makes the
# archive as postinst does, then times with hyperfine when it is installed, else a loop printing best and median.
#   scripts/bench-startup.sh            # 30 runs each
#   RUNS=100 scripts/bench-startup.sh
#   FAULTLINE=/usr/bin/faultline scripts/bench-startup.sh   # an installed package instead
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-30}"
work="${WORK:-/tmp/faultline-bench-startup}"

if [ -z "${FAULTLINE:-}" ]; then
  deb="$(ls -t "$here"/target/faultline_*_all.deb 2>/dev/null | head -n 1 || true)"
  if [ -z "$deb" ]; then
    echo "bench-startup: building the .deb (mvn package)..." >&2
    (cd "$here" && mvn -q -B -DskipTests package)
    deb="$(ls -t "$here"/target/faultline_*_all.deb | head -n 1)"
  fi
  rm -rf "$work" && mkdir -p "$work/root"
  dpkg -x "$deb" "$work/root"
  FAULTLINE_CDS=dump "$work/root/usr/bin/faultline"   # what postinst runs
  FAULTLINE="$work/root/usr/bin/faultline"
  echo "bench-startup: $(basename "$deb") unpacked in $work/root" >&2
fi
export HOME="$work/home"   # the per-user archive fallback stays out of the real ~/.cache
mkdir -p "$HOME"
"$FAULTLINE" --version >/dev/null   # fail early, and warm the page cache

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | sed -n 2p)"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 3 --runs "$runs" --style basic \
    -n "java -version (the JVM alone)" "java -Xshare:auto -version" \
    -n "faultline --version, AppCDS" "$FAULTLINE --version" \
    -n "faultline --version, no CDS" "env FAULTLINE_CDS=off $FAULTLINE --version"
  exit 0
fi

# no hyperfine: N runs each, wall time in ms, best and median
measure() {
  local name="$1"; shift
  local times=() i t0 t1
  for i in 1 2 3; do "$@" >/dev/null 2>&1; done
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" '{ a[NR] = $1 } END {
    printf "%-34s best %4d ms   median %4d ms   (%d runs)\n", name, a[1], a[int((NR + 1) / 2)], NR }'
}
measure "java -version (the JVM alone)" java -Xshare:auto -version
measure "faultline --version, AppCDS" "$FAULTLINE" --version
measure "faultline --version, no CDS" env FAULTLINE_CDS=off "$FAULTLINE" --version
