#!/usr/bin/env bash
# Fuzzes each Jazzer target for MINUTES, one after another, and keeps what it finds as regression seeds.
#
#   scripts/fuzz.sh [MINUTES] [TARGET...]
#
# MINUTES defaults to 10. A TARGET is a class (ErrorLogFuzzTest), a method (fuzzErrorLogFile) or both
# (ErrorLogFuzzTest#fuzzErrorLogFile); none means every @FuzzTest method of src/test/java/dev/faultline/fuzz.
# Each finding (libFuzzer's crash-*, timeout-*, oom-* file) is moved into the method's Inputs directory as
# regression-<date>-<kind>-<sha1 prefix>, where plain `mvn verify` replays it from then on: commit it with the fix.
# Prints a table (target, minutes, execs, exec/s, findings) and writes it, with each run's log, under
# target/fuzz-logs/<time>/. Exits 1 when anything was found or a run failed, so a scheduled CI job shows red.
#
# Environment: MVN_ARGS (default -B; add -o offline), FUZZ_TIMEOUT (seconds one input may take before it is a
# finding, default 10), FUZZ_XMX (the fuzzing JVM's heap: an unbounded allocation becomes an OOM finding, default 1g),
# FUZZ_SECONDS (overrides MINUTES, for a smoke test of the script itself).
set -uo pipefail

cd "$(dirname "$0")/.."
minutes=10
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    minutes=$1
    shift
fi
mvn_args=${MVN_ARGS:--B}
timeout_s=${FUZZ_TIMEOUT:-10}
xmx=${FUZZ_XMX:-1g}
seconds=${FUZZ_SECONDS:-$((minutes * 60))}
src=src/test/java/dev/faultline/fuzz
inputs_root=src/test/resources/dev/faultline/fuzz
stamp=$(date -u +%Y%m%dT%H%M%SZ)
day=$(date -u +%Y%m%d)
logs=target/fuzz-logs/$stamp

# every Class#method with an @FuzzTest: the method is the first `void name(` after the annotation
all_targets() {
    for f in "$src"/*FuzzTest.java; do
        awk -v cls="$(basename "$f" .java)" '
            /@FuzzTest/ { want = 1; next }
            want && match($0, /void [A-Za-z0-9_]+\(/) {
                print cls "#" substr($0, RSTART + 5, RLENGTH - 6); want = 0 }' "$f"
    done
}

targets=()
while read -r t; do
    if [[ $# -eq 0 ]]; then
        targets+=("$t")
        continue
    fi
    for want in "$@"; do
        if [[ $want == "$t" || $want == "${t%%#*}" || $want == "${t##*#}" ]]; then
            targets+=("$t")
            break
        fi
    done
done < <(all_targets)
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz.sh: no @FuzzTest matches: $*" >&2
    echo "targets: $(all_targets | tr '\n' ' ')" >&2
    exit 2
fi

mkdir -p "$logs"
echo "fuzz.sh: ${#targets[@]} target(s), $seconds s each; logs in $logs"
# shellcheck disable=SC2086
if ! mvn $mvn_args -q -DskipTests test-compile >"$logs/test-compile.log" 2>&1; then
    echo "fuzz.sh: test-compile failed, see $logs/test-compile.log" >&2
    exit 2
fi

artifacts() { # libFuzzer's findings in a directory
    find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) 2>/dev/null | sort
}

table="| target | minutes | execs | exec/s | findings |"$'\n'"|---|---:|---:|---:|---|"
failed=0
for t in "${targets[@]}"; do
    cls=${t%%#*}
    method=${t##*#}
    dir=$inputs_root/${cls}Inputs/$method
    mkdir -p "$dir" # libFuzzer's artifact prefix: without it, findings would land in the project root
    before=$( (artifacts "$dir"; artifacts .) | sort)
    log=$logs/$t.log
    start=$(date +%s)
    echo "fuzz.sh: $t for $seconds s ..."
    # shellcheck disable=SC2086
    JAZZER_FUZZ=1 timeout $((seconds + 600)) mvn $mvn_args surefire:test@fuzz-regression -Djacoco.skip=true \
        -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx$xmx" \
        -Djazzer.internal.arg.0=fake_argv0 -Djazzer.internal.arg.1=-max_total_time="$seconds" \
        -Djazzer.internal.arg.2=-timeout="$timeout_s" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    # libFuzzer: "Done N runs in S second(s)" at a normal end; else the last status line "#N ... exec/s: R"
    execs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)
    secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    [[ -z $execs ]] && execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    if [[ -n $secs && $secs -gt 0 ]]; then
        rate=$((execs / secs))
    else
        rate=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' "$log" | tail -1)
    fi
    findings=()
    while read -r f; do
        [[ -z $f ]] && continue
        kind=$(basename "$f" | cut -d- -f1)
        sha=$(sha1sum "$f" | cut -c1-8)
        known=$(find "$dir" -maxdepth 1 -type f ! -path "$f" -exec sha1sum {} + 2>/dev/null | awk -v s="$(sha1sum "$f" | cut -c1-40)" '$1 == s { print $2; exit }')
        if [[ -n $known ]]; then
            rm -f "$f" # a seed that still fails: fuzzing stopped on it at once
            findings+=("known seed fails: $(basename "$known")")
        else
            seed=$dir/regression-$day-$kind-$sha
            mv "$f" "$seed"
            findings+=("NEW $kind: $seed")
        fi
    done < <(comm -13 <(echo "$before") <( (artifacts "$dir"; artifacts .) | sort))
    if [[ ${#findings[@]} -eq 0 && $rc -ne 0 ]]; then
        findings+=("run failed (exit $rc), see $log")
    fi
    [[ ${#findings[@]} -gt 0 ]] && failed=1
    summary=$(IFS=';'; echo "${findings[*]:-none}")
    line="| $t | $(awk -v s="$took" 'BEGIN { printf "%.1f", s / 60 }') | ${execs:-?} | ${rate:-?} | $summary |"
    echo "$line"
    table+=$'\n'"$line"
done

echo
echo "$table" | tee "$logs/summary.md"
exit $failed
