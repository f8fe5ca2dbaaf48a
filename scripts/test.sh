#!/usr/bin/env bash
# Runs every test. On a fresh Debian machine (as root) it first installs what the tests need:
# gcc, make and strace (and, for the Apache/PHP end-to-end tests, apache2, apache2-dev and php),
# then builds the native fixture programs and runs `mvn verify`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

need=()
command -v gcc    >/dev/null 2>&1 || need+=(gcc)
command -v make   >/dev/null 2>&1 || need+=(make)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v mvn    >/dev/null 2>&1 || need+=(maven)
command -v javac  >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "test.sh: missing ${need[*]} and not root with apt-get; install them first" >&2
    exit 1
  fi
fi

make -s -C native
mvn -B --no-transfer-progress -Dstyle.color=never verify
