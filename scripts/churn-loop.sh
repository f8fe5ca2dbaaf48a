#!/usr/bin/env bash
# Runs the attach churn test (AttachChurnTest: prefork and event under load, attach/detach/kill -9/graceful) N times
# in a row, default 10, and stops at the first red run (issue #10: "green 10 times in a row locally").
#   scripts/churn-loop.sh [N]        MVN_FLAGS (default -o) is passed to mvn
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-10}
flags=${MVN_FLAGS:--o}
make -s -C native
# shellcheck disable=SC2086
mvn $flags -q -DskipTests test-compile
mkdir -p target/churn
for i in $(seq 1 "$n"); do
  start=$SECONDS
  log=target/churn/run-$i.log
  # surefire:test@default-test: only the default execution (-Dtest would also select it in fuzz-regression)
  # shellcheck disable=SC2086
  if ! mvn $flags -Djacoco.skip=true -Dtest=AttachChurnTest -Dsurefire.failIfNoSpecifiedTests=false \
      surefire:test@default-test > "$log" 2>&1; then
    echo "churn run $i of $n: FAILED after $((SECONDS - start)) s (see $log)"
    grep -E 'AttachChurnTest (prefork|event)|FAIL|expected' "$log" | head -n 20 || true
    exit 1
  fi
  echo "churn run $i of $n: green in $((SECONDS - start)) s"
  grep -E 'AttachChurnTest (prefork|event).*attaches' "$log" | sed 's/^/  /' || true
done
echo "churn: $n of $n runs green"
