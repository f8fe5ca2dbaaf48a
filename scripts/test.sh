#!/usr/bin/env bash
# Runs every test. On a fresh Debian machine (as root) it first installs what the tests need:
# gcc, make and strace (and, for the Apache/PHP end-to-end tests, apache2, apache2-dev and php; for
# the core-file tests, elfutils), then builds the native fixture programs and runs `mvn verify`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

need=()
command -v gcc    >/dev/null 2>&1 || need+=(gcc)
command -v make   >/dev/null 2>&1 || need+=(make)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v mvn    >/dev/null 2>&1 || need+=(maven)
command -v javac  >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v zstd   >/dev/null 2>&1 || need+=(zstd)
command -v xz     >/dev/null 2>&1 || need+=(xz-utils)
command -v lz4    >/dev/null 2>&1 || need+=(lz4)
# Optional: a real Apache for the live-capture tests (native/apache/live-apache.sh). Those tests skip
# themselves (JUnit assumptions) when it is missing, so its absence is not fatal.
apache=()
{ command -v apache2 || [ -x /usr/sbin/apache2 ]; } >/dev/null 2>&1 || apache+=(apache2)
command -v apxs >/dev/null 2>&1 || apache+=(apache2-dev)
compgen -G '/usr/lib/apache2/modules/libphp*.so' >/dev/null || apache+=(libapache2-mod-php)
compgen -G '/usr/sbin/php-fpm*' >/dev/null || apache+=(php-fpm)
command -v curl >/dev/null 2>&1 || apache+=(curl)
command -v ab   >/dev/null 2>&1 || apache+=(apache2-utils)
# Optional: elfutils (eu-readelf, eu-stack), the reference the core-file tests compare with on the
# cores native/make-core.sh produces; those comparisons skip when it is missing.
tools=()
{ command -v eu-readelf && command -v eu-stack; } >/dev/null 2>&1 || tools+=(elfutils)
# Optional: Puppet with stdlib's file_line, which the fix-hint tests apply (--noop, then for real) to copies.
{ command -v puppet && [ -d /usr/share/puppet/modules/stdlib ]; } >/dev/null 2>&1 || tools+=(puppet puppet-module-puppetlabs-stdlib)
# check's and fix's tests apply the fix diffs they print with the real patch(1)
command -v patch >/dev/null 2>&1 || tools+=(patch)
can_apt=false
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then can_apt=true; fi
if [ "${#need[@]}" -gt 0 ] && ! $can_apt; then
  echo "test.sh: missing ${need[*]} and not root with apt-get; install them first" >&2
  exit 1
fi
if [ "${#apache[@]}" -gt 0 ] && ! $can_apt; then
  echo "test.sh: missing ${apache[*]} and not root with apt-get; the live Apache tests will be skipped"
  apache=()
fi
if [ "${#tools[@]}" -gt 0 ] && ! $can_apt; then
  echo "test.sh: missing ${tools[*]} and not root with apt-get; the comparisons with eu-readelf/eu-stack will be skipped"
  tools=()
fi
install=("${need[@]}" "${apache[@]}" "${tools[@]}")
if [ "${#install[@]}" -gt 0 ]; then
  echo "test.sh: installing ${install[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Installing apache2 would start the distribution's server on *:80; the tests run their own on
  # 127.0.0.1 only, so forbid service starts (policy-rc.d exit 101) while apt runs, unless the
  # machine already has its own policy.
  if [ "${#apache[@]}" -gt 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${install[@]}" >/dev/null
  if trap -p EXIT | grep -q policy-rc.d; then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi

# Optional: markdownlint-cli2 lints the postmortem drafts (MarkdownLintTest skips without it); 0.22.1 is the newest
# that runs on Debian's Node 20.
if ! command -v markdownlint-cli2 >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  npm install -g --silent markdownlint-cli2@0.22.1 >/dev/null 2>&1 || echo "test.sh: markdownlint-cli2 could not be installed; the lint test will be skipped"
fi

make -s -C native
mvn -B --no-transfer-progress -Dstyle.color=never verify
