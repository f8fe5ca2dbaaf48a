#!/usr/bin/env bash
# faultline check on the configuration of every recorded corpus case: wall time per case, the finding it gives
# against the answer the case was built with, and apache2 -t alone (the guard check replaces) for scale.
#
#   sudo scripts/bench-check.sh            # all cases of fixtures/apache and fixtures/httpd (but php-fpm's)
#   RUNS=3 sudo scripts/bench-check.sh     # best of 3 per case
#
# The php-fpm cases run with their pool (--php-fpm conf/php-fpm.conf).
# Goal (issue #8): each case found with its file:line in <= 10 s. The time includes faultline's JVM start-up, the
# copy, apache2 -t, the traced server's start and stop, every probe and the analysis. Needs root, apache2, mod_php.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-1}"
WORK="${WORK:-/tmp/faultline-bench-check}"
rm -rf "$WORK" && mkdir -p "$WORK" && chmod 755 "$WORK"
"$here/faultline" --version >/dev/null            # build the jar outside the timings
JAR="$WORK/faultline.jar"
cp "$here/target/faultline.jar" "$JAR"
FL=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR")

now() { date +%s.%N; }
printf '%-40s %-16s %-48s %8s %10s\n' case expected "check's finding" "check s" "apache2 -t"
worst=0 missed=0
for exp in "$here"/fixtures/apache/*/expected.properties "$here"/fixtures/httpd/*/expected.properties; do
  dir=$(dirname "$exp"); name=$(basename "$(dirname "$dir")")/$(basename "$dir")
  case "$name" in httpd/deleted-conf) continue ;; esac   # its snapshot lacks the culprit file, by design
  prop() { grep -E "^$1=" "$exp" | head -n 1 | cut -d= -f2- || true; }
  cls=$(prop class); culprit=$(prop culprit); line=$(prop line)
  if [ -z "$cls" ] && [ -n "$(prop errorlog.class)" ]; then cls=$(prop errorlog.class); culprit=$(prop errorlog.culprit); line=$(prop errorlog.line); fi
  case "$cls" in config|missing-include|permission) want="$culprit${line:+:$line}" ;; *) want="clean" ;; esac
  repo="$WORK/$(basename "$dir")"; rm -rf "$repo"; cp -a "$dir/snapshot" "$repo"
  root=$(ls -d "$repo"/tmp/*/*); written=/${root#"$repo"/}
  # permission cases as the recorder built them (git keeps neither the 0600 mode nor root's ownership)
  [ "$cls" = permission ] && chmod 600 "$root/$culprit"
  best=""
  for _ in $(seq "$RUNS"); do
    t0=$(now)
    fpm=(); [ -f "$root/conf/php-fpm.conf" ] && fpm=(--php-fpm "$written/conf/php-fpm.conf")
    set +e; (cd "$WORK" && "${FL[@]}" check --root "$repo" --config "$written/conf/httpd.conf" "${fpm[@]}" --format json -o "$WORK/r.json"); set -e
    t1=$(now)
    s=$(echo "$t1 - $t0" | bc); if [ -z "$best" ] || [ "$(echo "$s < $best" | bc)" = 1 ]; then best=$s; fi
  done
  got=$(python3 - "$WORK/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
named = sorted({f"{f['file']}:{f['line']}" if f.get('line') else f['file'] for f in r['findings'] if f.get('file')})
print(r['outcome'] if not named else " ".join(n.split('/tmp/', 1)[-1].split('/', 2)[-1] for n in named))
PY
)
  t0=$(now); (set +u; cd "$root" && . /etc/apache2/envvars && apache2 -d "$root" -f "$root/conf/httpd.conf" -t >/dev/null 2>&1) || true; t1=$(now)
  apachet=$(echo "$t1 - $t0" | bc)
  ok=yes
  if [ "$want" = clean ]; then [ "$got" = clean ] || ok=no; else [[ " $got " == *"$want "* ]] || ok=no; fi
  [ "$ok" = yes ] || missed=$((missed + 1))
  printf '%-40s %-16s %-48s %8.2f %10.2f %s\n' "$name" "$want" "${got:0:48}" "$best" "$apachet" "$([ "$ok" = yes ] || echo MISSED)"
  if [ "$(echo "$best > $worst" | bc)" = 1 ]; then worst=$best; fi
done
echo "worst case: ${worst} s (goal <= 10 s); missed: $missed"
