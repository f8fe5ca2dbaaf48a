#!/usr/bin/env bash
# The heavy install check of docs/install.md: a clean Debian 12 (bookworm) chroot made by debootstrap, then
# `apt-get install ./faultline_*.deb` in it (apt pulls in the Java runtime), then the installed faultline's
# --version, demo, man page (man-db) and bash completion (bash-completion) there. Not part of mvn verify: it
# downloads about 200 MB from the Debian mirror this machine's apt uses and takes minutes. Needs root.
#   scripts/test-deb-debootstrap.sh
#   KEEP=1 scripts/test-deb-debootstrap.sh     # keep the chroot (WORK, default /tmp/faultline-debootstrap)
#   MIRROR=http://... scripts/test-deb-debootstrap.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-/tmp/faultline-debootstrap}"
suite="${SUITE:-bookworm}"

[ "$(id -u)" -eq 0 ] || { echo "test-deb-debootstrap: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null 2>&1 || apt-get install -y -qq debootstrap >/dev/null
if [ -z "${MIRROR:-}" ]; then
  # the first Debian archive this machine's apt is configured with (deb822 .sources, else sources.list)
  MIRROR="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)"
  [ -n "$MIRROR" ] || MIRROR="$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
fi
[ -n "$MIRROR" ] || { echo "test-deb-debootstrap: no Debian mirror found in apt's sources; set MIRROR" >&2; exit 2; }

deb="$(ls -t "$here"/target/faultline_*_all.deb 2>/dev/null | head -n 1 || true)"
if [ -z "$deb" ]; then
  (cd "$here" && mvn -q -B -DskipTests package)
  deb="$(ls -t "$here"/target/faultline_*_all.deb | head -n 1)"
fi

cleanup() {
  umount "$work/proc" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
if [ ! -x "$work/bin/bash" ]; then
  rm -rf "$work"
  echo "test-deb-debootstrap: debootstrap $suite from $MIRROR into $work ..."
  debootstrap --variant=minbase "$suite" "$work" "$MIRROR" >"$work.log" 2>&1 || { tail -n 20 "$work.log"; exit 1; }
fi
mountpoint -q "$work/proc" || mount -t proc proc "$work/proc"
cp "$deb" "$work/tmp/"
in_chroot() { chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "test-deb-debootstrap: apt-get install ./$(basename "$deb") man-db bash-completion ..."
in_chroot apt-get update -qq
in_chroot env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" man-db bash-completion \
  >"$work.install.log" 2>&1 || { tail -n 30 "$work.install.log"; exit 1; }

passed=0
failed=0
check() {   # check NAME COMMAND...: passes when COMMAND succeeds
  local name="$1"; shift
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1)); echo "ok    $name"
  else
    failed=$((failed + 1)); echo "FAIL  $name"; printf '%s\n' "$out" | tail -n 15 | sed 's/^/      /'
  fi
}
check "faultline --version" in_chroot faultline --version
check "java came with the package" in_chroot sh -c 'dpkg -s openjdk-17-jre-headless >/dev/null'
check "postinst made the AppCDS archive" in_chroot sh -c 'ls /var/cache/faultline/faultline-*.jsa'
check "faultline demo" in_chroot sh -c 'faultline demo | grep -q SIGSEGV'
check "man faultline" in_chroot sh -c 'MANPAGER=cat man faultline | grep -q SYNOPSIS'
check "man faultline-attach" in_chroot sh -c 'MANPAGER=cat man faultline-attach | grep -q -- --pidfile'
check "bash completes subcommands" in_chroot bash -c '
  source /usr/share/bash-completion/bash_completion
  _completion_loader faultline
  COMP_LINE="faultline an"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(faultline an); COMP_CWORD=1
  _complete_faultline faultline an faultline
  [ "${COMPREPLY[*]}" = analyze ]'
check "the watch unit is installed" in_chroot test -f /lib/systemd/system/faultline-watch@.service
check "apt-get remove" in_chroot sh -c 'apt-get remove -y -qq faultline >/dev/null && [ ! -e /usr/bin/faultline ] && [ ! -e /var/cache/faultline ]'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
