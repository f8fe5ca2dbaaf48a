#!/usr/bin/env bash
# Check that every recording of the crash corpus (record-httpd.sh) shows the scenario its case claims.
#
#   native/apache/verify-httpd.sh [DIR] [CASE...]
#
# Prints each piece of evidence with its file and line; exits 1 when any is missing.  Names (directive,
# culprit) are read from each case's expected.properties, so variant recordings are checked the same way.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-$HERE/../../fixtures/httpd}
shift || true
if [ $# -gt 0 ]; then CASES=("$@"); else CASES=($(ls "$DIR")); fi
FAILED=0

prop() { sed -n "s/^$2=//p" "$1/expected.properties"; }
ok() { echo "  ok   $*"; }
bad() { echo "  MISS $*"; FAILED=1; }
has() { # FILE REGEX DESCRIPTION
  local hit
  if [ -f "$1" ] && hit=$(grep -n -m1 -E -- "$2" "$1"); then ok "$3: ${1#$DIR/}:${hit:0:150}"; else bad "$3 (${1#$DIR/}: /$2/)"; fi
}
hasnt() { if [ -f "$1" ] && ! grep -q -E -- "$2" "$1"; then ok "$3"; else bad "$3 (${1#$DIR/} has /$2/)"; fi; }
file() { if [ -s "$1" ]; then ok "${1#$DIR/} present"; else bad "${1#$DIR/} missing"; fi; }
SEGV='SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_(MAPERR|ACCERR)'

# the crash tid (first kernel SIGSEGV) read the file: "TID read(N</path/FILE>, ..."
crash_tid_reads() { # DIR TRACE FILESUFFIX-REGEX [WHAT]
  local tid
  tid=$(grep -m1 -E "$SEGV" "$1/$2" | awk '{print $1}')
  has "$1/$2" "^$tid .*read\([0-9]+<[^>]*$3>" "crash tid $tid reads ${4:-$3}"
}

for c in "${CASES[@]}"; do
  d=$DIR/$c
  [ -f "$d/expected.properties" ] || { echo "$c: no expected.properties"; FAILED=1; continue; }
  echo "== $c"
  culprit=$(prop "$d" culprit); directive=$(prop "$d" directive); line=$(prop "$d" line)
  file "$d/f.txt"; file "$d/requests.txt"; [ -d "$d/snapshot" ] && ok "snapshot/" || bad "snapshot/ missing"
  if [ -n "$culprit" ] && [ "$c" != deleted-conf ]; then
    snap=$(find "$d/snapshot" -path "*/$culprit" | head -1)
    if [ -n "$snap" ] && sed -n "${line}p" "$snap" | grep -q "$directive"; then
      ok "snapshot line $culprit:$line: $(sed -n "${line}p" "$snap" | sed 's/^ *//')"
    else bad "snapshot line $culprit:$line does not hold $directive"; fi
  fi
  case "$c" in
    htaccess-parse)
      has "$d/f.txt" "$SEGV" "kernel SIGSEGV"
      crash_tid_reads "$d" f.txt "$culprit"
      has "$d/error.log" "AH0005[12]: child pid" "error.log reports the dead child"
      has "$d/requests.txt" "empty reply" "the client got no answer" ;;
    startup-parse)
      has "$d/t.txt" "$SEGV" "apache2 -t: kernel SIGSEGV"
      has "$d/t.txt" "killed by SIGSEGV" "apache2 -t killed"
      has "$d/t.txt" "openat\(.*$culprit" "apache2 -t opened the culprit"
      has "$d/f.txt" "$SEGV" "start: kernel SIGSEGV"
      hasnt "$d/f.txt" "clone\(" "start: the parent crashed before forking any child"
      file "$d/core.zst" ;;
    reload-postconfig)
      has "$d/f.txt" "SIGUSR1" "graceful (SIGUSR1) delivered"
      has "$d/f.txt" "$SEGV" "kernel SIGSEGV in the parent"
      has "$d/f.txt" "openat\(.*$culprit" "the reload re-read the culprit"
      has "$d/error.log" "AH00171: Graceful restart requested" "error.log: graceful requested"
      has "$d/requests.txt" "after the graceful reload" "requests after the reload"
      file "$d/core.zst" ;;
    location-handler-prefork|location-handler-event)
      has "$d/f.txt" "$SEGV" "f.txt: kernel SIGSEGV"
      crash_tid_reads "$d" f.txt "TCP:\\[[^>]*" "its request socket" && has "$d/f.txt" '"GET /[^ "]+/x HTTP' "f.txt: the request for /.../x was read" 
      has "$d/error.log" "AH00051: child pid .*possible coredump" "error.log: child dumped core"
      file "$d/core.zst"
      [ "$(prop "$d" all_traces)" = 0 ] && continue   # a quick (variant) recording: f.txt and the core only
      has "$d/k.txt" "$SEGV" "k.txt: kernel SIGSEGV"
      has "$d/k.txt" "^ > " "k.txt: stack traces"
      if grep -l -E "$SEGV" "$d"/ff/trace.* >/dev/null 2>&1; then ok "ff/: $(grep -l -E "$SEGV" "$d"/ff/trace.* | head -1 | sed "s|$DIR/||")"
      else bad "ff/: no kernel SIGSEGV"; fi
      if [ "$c" = location-handler-event ]; then
        has "$d/p.txt" "$SEGV" "p.txt: kernel SIGSEGV"
        # the parent's fork of a replacement child is a clone line too; no thread is ever seen created
        hasnt "$d/p.txt" "clone3?\\(.*CLONE_THREAD" "p.txt: no thread-creating clone (attached tid by tid)"
      fi ;;
    htaccess-inherited)
      has "$d/f.txt" "$SEGV" "kernel SIGSEGV"
      crash_tid_reads "$d" f.txt "$culprit"
      sub=$(find "$d/snapshot" -path "*/htdocs/*/.htaccess" | head -1)
      [ -n "$sub" ] && crash_tid_reads "$d" f.txt "htdocs/$(basename "$(dirname "$sub")")/.htaccess" ;;
    deleted-conf)
      has "$d/f.txt" "$SEGV" "kernel SIGSEGV"
      file "$d/core.zst"
      if [ -n "$(find "$d/snapshot" -path "*/$culprit")" ]; then bad "snapshot still has $culprit"; else ok "snapshot lacks $culprit"; fi
      has "$d/f.txt" "openat\(.*$culprit" "the trace still shows the culprit opened at start-up" ;;
    healthy-thirdparty)
      hasnt "$d/f.txt" "$SEGV|killed by" "no SIGSEGV delivered, nobody killed"
      has "$d/requests.txt" "-> 200" "a 200"
      has "$d/requests.txt" "-> 404" "a 404" ;;
    php-app-crash)
      has "$d/f.txt" "$SEGV" "kernel SIGSEGV (stack overflow)"
      has "$d/f.txt" "read\([0-9]+<[^>]*walk.php>" "the PHP script was read"
      has "$d/requests.txt" "walk.php -> 000" "no answer for walk.php" ;;
    not-found)
      hasnt "$d/f.txt" "$SEGV|killed by" "no SIGSEGV delivered, nobody killed"
      has "$d/requests.txt" "-> 404" "a 404" ;;
    *) echo "  (no case-specific checks for $c)" ;;
  esac
done
exit $FAILED
