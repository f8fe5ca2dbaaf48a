#!/usr/bin/env bash
# Live memory with many traced threads (see docs/performance.md).
#
#   scripts/bench-threads.sh [THREADS] [ROUNDS]      (defaults: 1000 threads, 30 rounds each)
#
# A python3 workload starts THREADS threads, holds them all alive at once (a barrier), and has each open+read
# /etc/hostname and stat a missing file ROUNDS times, 5 ms apart. Measured, max RSS via /usr/bin/time -f %M:
#   faultline run --format json -- python3 WORKLOAD          (the launched command, seccomp filter)
#   faultline attach --mode full --duration 15 PID            (a running process with THREADS+1 tasks)
# with the launcher's JVM flags and default heap. Target: <= 256 MB RSS for 1,000 threads. Needs python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS="${1:-1000}"
ROUNDS="${2:-30}"
WORK="${WORK:-/tmp/faultline-bench-threads}"
command -v python3 >/dev/null || { echo "bench-threads: needs python3" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-threads: needs GNU time at /usr/bin/time" >&2; exit 1; }
mkdir -p "$WORK"
cat > "$WORK/threads.py" <<'PY'
import os, sys, threading, time
n, rounds = int(sys.argv[1]), int(sys.argv[2])
ready = threading.Barrier(n + 1)
def work():
    ready.wait()  # every thread alive at once: the tracer holds them all
    for _ in range(rounds):
        with open('/etc/hostname') as f:
            f.read()
        try:
            os.stat('/nonexistent/faultline-bench')
        except OSError:
            pass
        time.sleep(0.005)
threads = [threading.Thread(target=work) for _ in range(n)]
for t in threads:
    t.start()
ready.wait()
for t in threads:
    t.join()
PY
"$here/faultline" --version >/dev/null
echo "# bench-threads: $THREADS threads; $(nproc) CPUs; $(java -version 2>&1 | head -1)"
/usr/bin/time -f "%e %M" -o "$WORK/run.time" "$here/faultline" run --format json -- python3 "$WORK/threads.py" "$THREADS" "$ROUNDS" \
    > "$WORK/run.json" 2>"$WORK/run.err" || true
read -r secs rss < "$WORK/run.time"
calls=$(grep -o '"calls" : [0-9]*' "$WORK/run.json" | grep -o '[0-9]*$' || echo "?")
printf '%-48s %8.2fs  max RSS %4d MiB  (%s calls)\n' "faultline run ($THREADS threads)" "$secs" $((rss / 1024)) "$calls"

python3 "$WORK/threads.py" "$THREADS" 100000 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -gt "$THREADS" ] && break
  sleep 0.1
done
/usr/bin/time -f "%e %M" -o "$WORK/attach.time" "$here/faultline" attach --mode full --duration 15 --format json "$pid" \
    > "$WORK/attach.json" 2>"$WORK/attach.err" || true
read -r secs rss < "$WORK/attach.time"
calls=$(grep -o '"calls" : [0-9]*' "$WORK/attach.json" | grep -o '[0-9]*$' || echo "?")
printf '%-48s %8.2fs  max RSS %4d MiB  (%s calls)\n' "faultline attach --mode full ($((THREADS + 1)) tasks)" "$secs" $((rss / 1024)) "$calls"
