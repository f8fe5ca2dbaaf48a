#!/usr/bin/env bash
# Record the real Apache httpd crash corpus (fixtures/httpd) with known answers, using the crashing
# third-party module mod_faultdemo.c.  See native/apache/README.md, "The crash corpus".
#
#   native/apache/record-httpd.sh [OUTDIR] [CASE...]
#
# OUTDIR defaults to <repo>/fixtures/httpd.  Root only.  Every server listens on 127.0.0.1, ports
# 18200-18249 (18250-18299 in variant mode), and the script never leaves one running (trap).
#
# FD_VARIANT=1 rebuilds the module with other names (shopcache_module, ShopCache* directives,
# mod_shopcache.so), uses another include layout (conf/sites-enabled/ with a nested Include of
# conf/local/*.conf), other file and directory names, and shifts every culprit line; the expected
# answers follow.  It exists so that a test can prove faultline's rules are not fitted to the corpus.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUTDIR=${1:-$REPO/fixtures/httpd}
shift || true
BASE=/tmp/faultline-httpd
ALL_CASES=(htaccess-parse startup-parse location-handler-prefork location-handler-event reload-postconfig
           htaccess-inherited deleted-conf healthy-thirdparty php-app-crash not-found)
if [ $# -gt 0 ]; then CASES=("$@"); else CASES=("${ALL_CASES[@]}"); fi

MODDIR=/usr/lib/apache2/modules
APACHE=/usr/sbin/apache2
VARIANT=${FD_VARIANT:-0}
# Variant mode records f.txt (+ core) only, so one case takes under 15 s; FD_ALL_TRACES=1 forces the rest.
ALL_TRACES=${FD_ALL_TRACES:-$([ "$VARIANT" = 1 ] && echo 0 || echo 1)}
STRACE_F=(-f -tt -T -yy -s 1024)   # the "full" decoration set every case records as f.txt

die() { echo "record-httpd: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (apache2 switches its children to www-data)"
for t in strace curl ss zstd apxs "$APACHE"; do command -v "$t" >/dev/null || die "missing $t"; done
id www-data >/dev/null 2>&1 || die "no www-data user"

# ---------------------------------------------------------------- names (default / variant)
if [ "$VARIANT" = 1 ]; then
  MOD_SYM=shopcache_module; PREFIX=ShopCache; SO=mod_shopcache.so
  INC_DIR=conf/local           # culprit files live here, reached through a nested Include
  F_STARTUP=60-catalog.conf; F_RELOAD=70-workers.conf; F_LOCATION=80-storefront.conf
  APP=shop; SUB=blog; PAD=7; PORT0=18250
else
  MOD_SYM=faultdemo_module; PREFIX=Faultdemo; SO=mod_faultdemo.so
  INC_DIR=conf/conf.d
  F_STARTUP=20-x.conf; F_RELOAD=30-y.conf; F_LOCATION=40-z.conf
  APP=app; SUB=sub; PAD=0; PORT0=18200
fi
CULPRIT_DIR=${INC_DIR#conf/}   # the path suffix expected.properties names (conf.d/..., local/...)

port_of() {
  local i
  for i in "${!ALL_CASES[@]}"; do [ "${ALL_CASES[$i]}" = "$1" ] && { echo $((PORT0 + i)); return; }; done
  die "unknown case $1"
}
mpm_of() { case "$1" in location-handler-event) echo event ;; *) echo prefork ;; esac; }

# ---------------------------------------------------------------- cleanup: only our own servers
STRACE_PIDS=()
ours() { # PID -> true when it is an apache2 of this script (its cmdline names our ServerRoot)
  grep -qa "$BASE/" "/proc/$1/cmdline" 2>/dev/null && grep -qa apache2 "/proc/$1/cmdline" 2>/dev/null
}
kill_ours() {
  local p round found
  for p in "${STRACE_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  STRACE_PIDS=()
  # Several rounds: a server being started (or a tracee that strace's death let go) can appear after a scan.
  for round in 1 2 3 4 5 6 7 8 9 10; do
    found=0
    for p in $(ls /proc | grep -E '^[0-9]+$'); do
      [ "$p" = $$ ] && continue
      if ours "$p"; then kill -KILL "$p" 2>/dev/null || true; found=1; fi
    done
    [ "$found" = 0 ] && [ "$round" -gt 1 ] && break
    sleep 0.2
  done
  return 0
}
trap kill_ours EXIT
trap "exit 130" INT TERM HUP   # so that an interrupted run still goes through the EXIT trap

port_listening() { ss -Hltn "sport = :$1" | grep -q .; }

# ---------------------------------------------------------------- module build
# Built by native/Makefile (the one place that knows the apxs flags), into a scratch build dir.
BUILD=/tmp/corpus-build-$VARIANT
build_module() {
  rm -rf "$BUILD"
  make -s -C "$REPO/native" BUILD="$BUILD" FD_MODULE=$MOD_SYM FD_PREFIX=$PREFIX FD_SO="${SO%.so}" faultdemo-module \
    || die "building $SO failed"
  [ -f "$BUILD/$SO" ] || die "no $BUILD/$SO (is apxs installed? apt-get install apache2-dev)"
  nm -D "$BUILD/$SO" | grep -q " $MOD_SYM\$" || die "$SO does not export $MOD_SYM"
}

# ---------------------------------------------------------------- config writing
header() { # FILE PURPOSE: a realistic header block, so no culprit is on line 1-2
  local i
  {
    echo "# $2"
    echo "#"
    echo "# Managed by the web team; see the runbook before changing it."
    echo "# Reload with: apache2ctl configtest && apache2ctl graceful"
    for ((i = 0; i < PAD; i++)); do echo "# (change log entry $((i + 1)) removed)"; done
    echo
  } > "$1"
}
line_of() { grep -n -F -- "$2" "$1" | head -1 | cut -d: -f1; }  # FILE TEXT -> first line number

write_server() { # CASE ROOT PORT
  local c=$1 root=$2 port=$3 mpm; mpm=$(mpm_of "$c")
  mkdir -p "$root/conf" "$root/logs" "$root/htdocs" "$root/modules" "$root/cores" "$root/$INC_DIR"
  cp "$BUILD/$SO" "$root/modules/$SO"
  chown www-data "$root/cores"
  local f=$root/conf/httpd.conf
  header "$f" "httpd.conf: main server configuration (faultline crash corpus, case $c)"
  cat >> "$f" <<CONF
ServerRoot "$root"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile logs/httpd.pid
DefaultRuntimeDir logs
Mutex file:logs default
CoreDumpDirectory $root/cores

LoadModule mpm_${mpm}_module $MODDIR/mod_mpm_${mpm}.so
LoadModule authz_core_module $MODDIR/mod_authz_core.so
LoadModule authz_host_module $MODDIR/mod_authz_host.so
LoadModule mime_module $MODDIR/mod_mime.so
LoadModule dir_module $MODDIR/mod_dir.so

User www-data
Group www-data
KeepAlive Off
Timeout 10
CONF
  if [ "$mpm" = event ]; then
    printf 'StartServers 1\nServerLimit 2\nThreadsPerChild 4\nMaxRequestWorkers 8\nMinSpareThreads 1\nMaxSpareThreads 8\n' >> "$f"
  else
    printf 'StartServers 2\nMinSpareServers 2\nMaxSpareServers 3\nMaxRequestWorkers 5\n' >> "$f"
  fi
  cat >> "$f" <<CONF

ErrorLog logs/error.log
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog logs/access.log common
TypesConfig /etc/mime.types
AccessFileName .htaccess

<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Files ".ht*">
    Require all denied
</Files>

CONF
  if [ "$VARIANT" = 1 ]; then
    mkdir -p "$root/conf/sites-enabled"
    echo "IncludeOptional conf/sites-enabled/*.conf" >> "$f"
    header "$root/conf/sites-enabled/00-modules.conf" "third-party modules"
    echo "LoadModule $MOD_SYM modules/$SO" >> "$root/conf/sites-enabled/00-modules.conf"
    header "$root/conf/sites-enabled/05-local.conf" "local additions (one file per feature)"
    echo "IncludeOptional $INC_DIR/*.conf" >> "$root/conf/sites-enabled/05-local.conf"
    write_vhost "$root/conf/sites-enabled/90-default-site.conf" "$root"
  else
    mkdir -p "$root/conf/sites"
    echo "IncludeOptional conf/conf.d/*.conf" >> "$f"
    echo "IncludeOptional conf/sites/*.conf" >> "$f"
    header "$root/conf/conf.d/10-$MOD_SYM.conf" "third-party modules"
    echo "LoadModule $MOD_SYM modules/$SO" >> "$root/conf/conf.d/10-$MOD_SYM.conf"
    write_vhost "$root/conf/sites/000-default.conf" "$root"
  fi
  printf 'hello from faultline corpus case %s\n' "$c" > "$root/htdocs/index.html"
}

write_vhost() { # FILE ROOT
  header "$1" "default site"
  cat >> "$1" <<CONF
DocumentRoot "$2/htdocs"
DirectoryIndex index.html
<Directory "$2/htdocs">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
CONF
}

# Each setup_<case> writes the case's files and sets CULPRIT_FILE (absolute), CULPRIT_TEXT.
CULPRIT_FILE=; CULPRIT_TEXT=
conf_file() { # ROOT NAME PURPOSE -> path of a new culprit-dir file with a header
  local p=$1/$INC_DIR/$2
  header "$p" "$3"
  echo "$p"
}

setup_case() { # CASE ROOT
  local c=$1 root=$2 h=$2/htdocs f
  CULPRIT_FILE=; CULPRIT_TEXT=
  case "$c" in
    htaccess-parse)
      mkdir -p "$h/$APP"; echo '<html><body>app</body></html>' > "$h/$APP/index.html"
      f=$h/$APP/.htaccess
      header "$f" "$APP: handler selection"
      printf 'Options -Indexes\n%sParse bogus\n' "$PREFIX" >> "$f"
      CULPRIT_FILE=$f; CULPRIT_TEXT="${PREFIX}Parse bogus" ;;
    startup-parse)
      f=$(conf_file "$root" "$F_STARTUP" "catalog handler defaults")
      printf '%sEnable On\n%sParse bogus\n' "$PREFIX" "$PREFIX" >> "$f"
      CULPRIT_FILE=$f; CULPRIT_TEXT="${PREFIX}Parse bogus" ;;
    reload-postconfig)
      f=$(conf_file "$root" "$F_RELOAD" "worker pool sizing")
      printf '%sEnable On\n%sPool 4\n' "$PREFIX" "$PREFIX" >> "$f"
      CULPRIT_FILE=$f; CULPRIT_TEXT="${PREFIX}Pool 0" ;;   # written by the reload step
    location-handler-prefork|location-handler-event|deleted-conf)
      mkdir -p "$h/$APP"; echo 'x' > "$h/$APP/x"
      f=$(conf_file "$root" "$F_LOCATION" "the $APP front end")
      printf '%sEnable On\n<Location /%s>\n    Options -Indexes\n    %sHandler bogus\n</Location>\n' \
        "$PREFIX" "$APP" "$PREFIX" >> "$f"
      CULPRIT_FILE=$f; CULPRIT_TEXT="${PREFIX}Handler bogus" ;;
    htaccess-inherited)
      mkdir -p "$h/$SUB"; echo '<html><body>page</body></html>' > "$h/$SUB/page.html"
      f=$h/.htaccess
      header "$f" "site-wide defaults"
      printf 'Options -Indexes\n%sHandler bogus\n' "$PREFIX" >> "$f"
      header "$h/$SUB/.htaccess" "$SUB: innocent, read last"
      printf 'Options -Indexes\nAddType text/html .htm\n' >> "$h/$SUB/.htaccess"
      CULPRIT_FILE=$f; CULPRIT_TEXT="${PREFIX}Handler bogus" ;;
    healthy-thirdparty|not-found)
      mkdir -p "$h/$APP"; echo 'x' > "$h/$APP/x"
      f=$(conf_file "$root" "$F_LOCATION" "the $APP front end")
      printf '%sEnable On\n%sPool 2\n%sParse cache\n<Location /%s>\n    %sHandler static\n</Location>\n' \
        "$PREFIX" "$PREFIX" "$PREFIX" "$APP" "$PREFIX" >> "$f" ;;
    php-app-crash)
      mkdir -p "$h/deep"
      f=$(conf_file "$root" "$F_LOCATION" "the PHP application")
      cat >> "$f" <<CONF
LoadModule php_module $MODDIR/libphp8.2.so
PHPIniDir "$root/conf"
<FilesMatch ".+\\.php\$">
    SetHandler application/x-httpd-php
</FilesMatch>
${PREFIX}Enable On
<Location /deep>
    ${PREFIX}Handler static
</Location>
CONF
      printf '[PHP]\ndisplay_errors = Off\nlog_errors = On\nmemory_limit = -1\n' > "$root/conf/php.ini"
      cat > "$h/deep/walk.php" <<'PHP'
<?php
// Walks an endless category tree: no depth limit, and each level recurses through array_map()
// (an internal function), so every level costs C stack until the child dies.
function walk_level($depth)
{
    return array_map('walk_level', [$depth + 1]);
}
$tree = walk_level(0);
echo "done\n";
PHP
      ;;
    *) die "no setup for $c" ;;
  esac
}

requests_of() {
  case "$1" in
    htaccess-parse) printf '%s\n' /index.html "/$APP/" ;;
    startup-parse|reload-postconfig) printf '%s\n' /index.html ;;
    location-handler-*|deleted-conf) printf '%s\n' /index.html "/$APP/x" ;;
    htaccess-inherited) printf '%s\n' "/$SUB/page.html" ;;
    healthy-thirdparty) printf '%s\n' /index.html "/$APP/x" /missing.html ;;
    php-app-crash) printf '%s\n' /index.html /deep/walk.php ;;
    not-found) printf '%s\n' /no-such-page.html ;;
  esac
}

# ---------------------------------------------------------------- running the server
# AH00163 (prefork) and AH00489 (event) are the "resuming normal operations" lines.
prepare_root() { # CASE -> fresh ServerRoot
  local c=$1 root=$BASE/$1
  kill_ours
  port_listening "$(port_of "$c")" && die "port $(port_of "$c") already in use"
  rm -rf "$root"
  write_server "$c" "$root" "$(port_of "$c")"
  setup_case "$c" "$root"
  chmod -R a+rX "$root"
  find "$root/conf" "$root/htdocs" -exec touch -h -d '3 days ago' {} +
}

# Start apache2 -DFOREGROUND (optionally under strace ARGS...) in its own session; sets SPID.
start_server() { # CASE STDERRFILE [strace args...]
  local c=$1 errf=$2; shift 2
  local root=$BASE/$c port; port=$(port_of "$c")
  local cmd=("$APACHE" -f "$root/conf/httpd.conf" -d "$root" -DFOREGROUND)
  [ $# -gt 0 ] && cmd=(strace "$@" "${cmd[@]}")
  # setsid: prefork signals its whole process group on shutdown; cores (ulimit) on; fixed env.
  ( cd "$root" && ulimit -c unlimited && ulimit -s 8192 && exec setsid -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
      "${cmd[@]}" </dev/null >"$errf" 2>&1 ) &
  SPID=$!
}

wait_ready() { # CASE -> 0 when listening and AH00163 logged
  local c=$1 root=$BASE/$1 port i; port=$(port_of "$c")
  for i in $(seq 1 80); do
    if port_listening "$port" && grep -qE "AH00163|AH00489" "$root/logs/error.log" 2>/dev/null; then sleep 0.4; return 0; fi
    kill -0 "$SPID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

send_requests() { # CASE REQLOG LABEL
  local c=$1 port path code rc; port=$(port_of "$c")
  echo "# $3" >> "$2"
  while read -r path; do
    rc=0
    code=$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path") || rc=$?
    if [ "$rc" = 0 ]; then echo "GET $path -> $code" >> "$2"
    else echo "GET $path -> $code (curl exit $rc$([ "$rc" = 52 ] && echo ': empty reply from server'))" >> "$2"; fi
    sleep 0.3
  done < <(requests_of "$c")
}

stop_server() { # CASE
  local root=$BASE/$1 i mpid
  sleep 1.2   # the parent reaps dead children in its once-a-second maintenance loop
  mpid=$(cat "$root/logs/httpd.pid" 2>/dev/null || true)
  [ -n "$mpid" ] && kill -TERM "$mpid" 2>/dev/null || true   # = apache2 -k stop
  for i in $(seq 1 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$SPID" 2>/dev/null && { echo "record-httpd: $1: did not stop, killing" >&2; kill_ours; }
  wait "$SPID" 2>/dev/null || true
  return 0
}

# One ordinary run: start (under strace ARGS), requests, stop.
run_requests() { # CASE LABEL REQLOG [strace args...]
  local c=$1 label=$2 reqlog=$3; shift 3
  prepare_root "$c"
  start_server "$c" "$BASE/$c/logs/startup-stderr.txt" "$@"
  wait_ready "$c" || { cat "$BASE/$c/logs/startup-stderr.txt" >&2; die "$c: apache2 did not start"; }
  send_requests "$c" "$reqlog" "$label"
  stop_server "$c"
}

# Event MPM, the way many engineers trace it: attach to every tid of every process, one -p each
# (no -f: the trace has no clone lines).
run_attach_each_tid() { # CASE OUTFILE REQLOG
  local c=$1 out=$2 reqlog=$3 root=$BASE/$1 p t args=()
  prepare_root "$c"
  start_server "$c" "$root/logs/startup-stderr.txt"
  wait_ready "$c" || die "$c: apache2 did not start"
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    ours "$p" || continue
    for t in $(ls "/proc/$p/task"); do args+=(-p "$t"); done
  done
  strace -tt -T -yy -s 1024 -o "$out" "${args[@]}" 2>"$root/logs/strace-p.txt" &
  STRACE_PIDS+=($!)
  sleep 1.5   # every attach done
  send_requests "$c" "$reqlog" "$(basename "$out")"
  stop_server "$c"
  wait "${STRACE_PIDS[@]}" 2>/dev/null || true
  STRACE_PIDS=()
}

keep_core() { # CASE DEST -> newest core of the case, zstd-compressed
  local core
  core=$(ls -t "$BASE/$1"/cores/core* "$BASE/$1"/core* 2>/dev/null | head -1 || true)
  if [ -z "$core" ]; then
    echo "record-httpd: $1: no core written (core_pattern: $(cat /proc/sys/kernel/core_pattern))" >&2
    return 0
  fi
  zstd -q -f -12 -o "$2" "$core" && chmod 644 "$2"
}

snapshot() { # CASE DEST
  local root=$BASE/$1
  rm -rf "$2"; mkdir -p "$2$root"
  # modules/ too: the module .so is one of the server's files (analyze --root and --core read it there)
  cp -a "$root/conf" "$root/htdocs" "$root/modules" "$2$root/"
}

write_expected() { # CASE DIR
  local c=$1 anchor=crash class=config phase module=$MOD_SYM directive culprit= line=
  case "$c" in
    htaccess-parse) phase=htaccess; directive=${PREFIX}Parse ;;
    startup-parse) phase=startup; directive=${PREFIX}Parse ;;
    reload-postconfig) phase=reload; directive=${PREFIX}Pool ;;
    location-handler-*|deleted-conf|htaccess-inherited) phase=request; directive=${PREFIX}Handler ;;
    php-app-crash) class=code; phase=request; module=; directive= ;;
    healthy-thirdparty|not-found) anchor=none; class=; phase=; module=; directive= ;;
  esac
  if [ -n "$CULPRIT_FILE" ]; then
    culprit=${CULPRIT_FILE#"$BASE/$c/"}; culprit=${culprit#conf/}
    line=$CULPRIT_LINE
  fi
  {
    echo "# the known answer, from how record-httpd.sh built this case (never from faultline's output)"
    echo "anchor=$anchor"; echo "class=$class"; echo "phase=$phase"; echo "module=$module"
    echo "directive=$directive"; echo "culprit=$culprit"; echo "line=$line"
    echo "variant=$VARIANT"
    echo "all_traces=$ALL_TRACES"
  } > "$2/expected.properties"
}

# ---------------------------------------------------------------- one case
record_case() { # CASE DIR
  local c=$1 d=$2 root=$BASE/$1
  rm -rf "$d"; mkdir -p "$d"
  : > "$d/requests.txt"
  case "$c" in
    startup-parse)
      # apache2 -t crashes in the parent while parsing; its core lands in its cwd (core_pattern "core").
      prepare_root "$c"
      ( cd "$root/cores" && ulimit -c unlimited && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
          strace "${STRACE_F[@]}" -o "$d/t.txt" "$APACHE" -t -f "$root/conf/httpd.conf" -d "$root" \
          >"$d/configtest-stderr.txt" 2>&1 ) 2>/dev/null || true
      keep_core "$c" "$d/core.zst"
      # and the start itself (same crash, same parent), under strace -f
      start_server "$c" "$d/start-stderr.txt" "${STRACE_F[@]}" -o "$d/f.txt"
      wait "$SPID" 2>/dev/null || true
      echo "# apache2 -t and apache2 -DFOREGROUND: no request is possible, both crash while parsing" >> "$d/requests.txt"
      ;;
    reload-postconfig)
      prepare_root "$c"
      start_server "$c" "$root/logs/startup-stderr.txt"
      wait_ready "$c" || die "$c: apache2 did not start"
      send_requests "$c" "$d/requests.txt" "healthy, before the reload"
      local mpid; mpid=$(cat "$root/logs/httpd.pid")
      strace "${STRACE_F[@]}" -o "$d/f.txt" -p "$mpid" 2>"$root/logs/strace-p.txt" &
      STRACE_PIDS+=($!)
      sleep 1
      sed -i "s/^${PREFIX}Pool 4\$/${PREFIX}Pool 0/" "$CULPRIT_FILE"
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C "$APACHE" -f "$root/conf/httpd.conf" -d "$root" -k graceful
      local i; for i in $(seq 1 50); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.1; done
      send_requests "$c" "$d/requests.txt" "after the graceful reload"
      wait "${STRACE_PIDS[@]}" 2>/dev/null || true; STRACE_PIDS=()
      wait "$SPID" 2>/dev/null || true
      keep_core "$c" "$d/core.zst"
      kill_ours
      ;;
    location-handler-prefork|location-handler-event|deleted-conf)
      run_requests "$c" f.txt "$d/requests.txt" "${STRACE_F[@]}" -o "$d/f.txt"
      keep_core "$c" "$d/core.zst"
      cp "$root/logs/error.log" "$d/error.log"
      if [ "$c" != deleted-conf ] && [ "$ALL_TRACES" = 1 ]; then
        mkdir -p "$d/ff"
        run_requests "$c" ff/ "$d/requests.txt" -ff -tt -T -yy -s 1024 -o "$d/ff/trace"
        run_requests "$c" k.txt "$d/requests.txt" -f -k -o "$d/k.txt"
      fi
      [ "$c" = location-handler-event ] && [ "$ALL_TRACES" = 1 ] && run_attach_each_tid "$c" "$d/p.txt" "$d/requests.txt"
      # the snapshot must match the f.txt run's files: rebuild that tree (it is deterministic)
      prepare_root "$c"
      [ "$c" = deleted-conf ] && rm -f "$CULPRIT_FILE"
      ;;
    *)
      run_requests "$c" f.txt "$d/requests.txt" "${STRACE_F[@]}" -o "$d/f.txt"
      ;;
  esac
  [ -f "$d/error.log" ] || cp "$root/logs/error.log" "$d/error.log" 2>/dev/null || : > "$d/error.log"
  # the answer's line, from the file as written (for the reload: as edited; deleted-conf: before deletion)
  CULPRIT_LINE=
  if [ "$c" = deleted-conf ]; then CULPRIT_LINE=$DELETED_LINE
  elif [ -n "$CULPRIT_FILE" ]; then CULPRIT_LINE=$(line_of "$CULPRIT_FILE" "$CULPRIT_TEXT"); fi
  snapshot "$c" "$d/snapshot"
  write_expected "$c" "$d"
  kill_ours
}

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
build_module
for c in "${CASES[@]}"; do
  port_of "$c" >/dev/null
  echo "== $c (variant $VARIANT)"
  start=$(date +%s)
  for attempt in 1 2; do
    DELETED_LINE=
    if [ "$c" = deleted-conf ]; then   # the line as written, before the file is deleted
      prepare_root "$c"; DELETED_LINE=$(line_of "$CULPRIT_FILE" "$CULPRIT_TEXT")
    fi
    record_case "$c" "$OUTDIR/$c"
    if "$HERE/verify-httpd.sh" "$OUTDIR" "$c" >"$OUTDIR/$c/.verify.txt" 2>&1; then rm -f "$OUTDIR/$c/.verify.txt"; break; fi
    cat "$OUTDIR/$c/.verify.txt" >&2; rm -f "$OUTDIR/$c/.verify.txt"
    [ "$attempt" = 2 ] && die "$c: the recording missed its scenario twice"
    echo "record-httpd: $c: verification failed, recording again" >&2
  done
  cat "$OUTDIR/$c/requests.txt"
  echo "   $(( $(date +%s) - start )) s, $(du -sh "$OUTDIR/$c" | cut -f1)"
done
