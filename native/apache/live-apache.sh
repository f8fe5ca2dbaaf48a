#!/usr/bin/env bash
# A throw-away real Apache httpd for live-capture tests and benchmarks, on 127.0.0.1 only.
#
#   native/apache/live-apache.sh start DIR PORT [prefork|event]   # prints the parent pid
#   native/apache/live-apache.sh stop DIR
#   native/apache/live-apache.sh pid DIR                          # prints the parent pid, exit 1 if down
#
# `start` (re)writes DIR/conf, DIR/htdocs, DIR/logs and DIR/cores, starts
# `apache2 -f DIR/conf/httpd.conf -d DIR -k start` (it daemonizes), and waits up to 10 s until
# http://127.0.0.1:PORT/ answers. Needs root, apache2 and curl; mod_php is loaded under prefork when
# installed, and mod_crashconf when native/build/mod_crashconf.so is built (make -C native).
#
# htdocs: index.html, ok.php, crash/ (.htaccess line 3: `CrashConfParse statc`, crashes the child
# while the .htaccess is parsed), crash-late/ (.htaccess line 2: `CrashConfHandler proxxy`,
# crashes it later, in the fixups hook) and crash-loc/ (conf/conf.d/50-app.conf line 5, a
# server-level <Location> with `CrashConfHandler proxxy`: crashes in the fixups hook) and typo/
# (.htaccess line 2: `RewriteEngin On`, a 500 that the error log names) and boom/ (.htaccess: `RewriteRule ^ - [R=500]`,
# a 500 the error log says nothing about). Cores go to DIR/cores when LIVE_APACHE_CORES=1 (or the
# caller's `ulimit -c` allows).
# LIVE_APACHE_FPM=1 (event only): a php-fpm pool (php-fpm8.2, daemonized, pid DIR/run/php-fpm.pid) serves *.php under
# htdocs/fpm/ through DIR/run/php-fpm.sock; fpm/index.php line 3 requires lib/templates.php, which is missing (a 500);
# fpm/ok.php is fine. `stop` stops the pool too.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APACHE=/usr/sbin/apache2
PHPFPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1 || true)
MODDIR=/usr/lib/apache2/modules
CRASHCONF=$REPO/native/build/mod_crashconf.so
# shellcheck source=php-fpm-pool.sh
. "$HERE/php-fpm-pool.sh"

die() { echo "live-apache: $*" >&2; exit 1; }
usage() { die "usage: live-apache.sh start DIR PORT [prefork|event] | stop DIR | pid DIR"; }

# Every process of the server in DIR: apache2 processes (by their exe, so a tracer or a wrapper
# whose command line names the config is not one) whose argv has `DIR/conf/httpd.conf` exactly.
# No forks here: it runs for every pid in /proc, in polling loops.
is_server() { # PID DIR
  local a argv=()
  [ "/proc/$1/exe" -ef "$APACHE" ] 2>/dev/null || return 1
  { mapfile -d '' argv < "/proc/$1/cmdline"; } 2>/dev/null || return 1
  for a in "${argv[@]}"; do [ "$a" = "$2/conf/httpd.conf" ] && return 0; done
  return 1
}

server_pids() { # DIR
  local f pid
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    if is_server "$pid" "$1"; then echo "$pid"; fi
  done
  return 0
}

parent_pid() { # DIR -> pid of a live parent, or nothing
  local pf=$1/logs/httpd.pid pid
  [ -s "$pf" ] || return 0
  pid=$(tr -dc '0-9' < "$pf")
  [ -n "$pid" ] && is_server "$pid" "$1" && echo "$pid"
  return 0
}

http_code() { # PORT PATH
  curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2" 2>/dev/null || true
}

write_conf() { # DIR PORT MPM
  local dir=$1 port=$2 mpm=$3 php="" phpmod mpmconf
  if [ "$mpm" = prefork ]; then
    # Debian's libphp is not thread-safe: apache2 refuses to start with it under event/worker.
    phpmod=$(ls "$MODDIR"/libphp*.so 2>/dev/null | head -n 1 || true)
    if [ -n "$phpmod" ]; then
      case "$phpmod" in
        */libphp5.so) php="LoadModule php5_module $phpmod" ;;
        */libphp7*.so) php="LoadModule php7_module $phpmod" ;;
        *) php="LoadModule php_module $phpmod" ;;
      esac
      php="$php
<FilesMatch \"\\.php\$\">
    SetHandler application/x-httpd-php
</FilesMatch>"
    fi
    mpmconf="LoadModule mpm_prefork_module $MODDIR/mod_mpm_prefork.so
StartServers 2
MinSpareServers 2
MaxSpareServers 4
MaxRequestWorkers 8"
  else
    # event: one listener thread per child hands connections to worker threads, so the worker tid
    # that parses .htaccess and crashes is not the tid that accepted. MaxSpareThreads must be at
    # least MinSpareThreads + ThreadsPerChild or apache2 silently raises it.
    mpmconf="LoadModule mpm_event_module $MODDIR/mod_mpm_event.so
StartServers 2
ServerLimit 3
ThreadLimit 8
ThreadsPerChild 8
MinSpareThreads 8
MaxSpareThreads 24
MaxRequestWorkers 24"
  fi
  if [ "${LIVE_APACHE_FPM:-0}" = 1 ]; then
    php="LoadModule proxy_module $MODDIR/mod_proxy.so
LoadModule proxy_fcgi_module $MODDIR/mod_proxy_fcgi.so
<Directory \"$dir/htdocs/fpm\">
    <FilesMatch \"\\.php\$\">
        SetHandler \"proxy:unix:$dir/run/php-fpm.sock|fcgi://localhost\"
    </FilesMatch>
</Directory>"
  fi
  local crash="# mod_crashconf not built (make -C native needs apxs from apache2-dev)"
  [ -f "$CRASHCONF" ] && crash="LoadModule crashconf_module $CRASHCONF"

  cat > "$dir/conf/httpd.conf" <<CONF
# faultline live test server (native/apache/live-apache.sh): loopback only
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/logs/httpd.pid"
# No Debian envvars here: runtime files and mutexes go under logs/ instead of \${APACHE_RUN_DIR}.
DefaultRuntimeDir "$dir/logs"
Mutex file:$dir/logs default
ErrorLog "$dir/logs/error.log"
LogLevel info
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog "$dir/logs/access.log" common
# Lets setuid children dump core (apache2 calls prctl(PR_SET_DUMPABLE, 1)) and is where
# sig_coredump chdir()s before re-raising; the AH00051 log line names it.
CoreDumpDirectory "$dir/cores"

$mpmconf
LoadModule authz_core_module $MODDIR/mod_authz_core.so
LoadModule mime_module $MODDIR/mod_mime.so
LoadModule dir_module $MODDIR/mod_dir.so
LoadModule rewrite_module $MODDIR/mod_rewrite.so
$crash

User www-data
Group www-data
KeepAlive Off
Timeout 10
TypesConfig /etc/mime.types
DocumentRoot "$dir/htdocs"
DirectoryIndex index.php index.html
AccessFileName .htaccess

# .htaccess files are honoured under htdocs only, so a request probes few of them.
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "$dir/htdocs">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>
$php
IncludeOptional conf/conf.d/*.conf
CONF
  mkdir -p "$dir/conf/conf.d"
  if [ -f "$CRASHCONF" ]; then
    # a server-level <Location> in an included file: the child that crashes on /crash-loc/ never reads it
    cat > "$dir/conf/conf.d/50-app.conf" <<APP
# The app behind /crash-loc/: routed through mod_crashconf.
# Written by live-apache.sh; line 5 holds the typo ("proxxy") that crashes the serving child.
<Location "/crash-loc">
    Options -Indexes
    CrashConfHandler proxxy
</Location>
APP
  fi
}

write_fpm() { # DIR: the pool's config and its site
  local dir=$1 h=$1/htdocs/fpm
  mkdir -p "$dir/run" "$h/lib"
  write_fpm_pool "$dir" yes
  printf '<?php\n// fpm app front controller\nrequire_once __DIR__ . %s;\necho render();\n' "'/lib/templates.php'" > "$h/index.php"
  printf '<?php\necho "ok from php-fpm\\n";\n' > "$h/ok.php"
  printf '<?php\nfunction render() { return "ok\\n"; }\n' > "$h/lib/views.php"
}

fpm_stop() { # DIR
  local pf=$1/run/php-fpm.pid pid end
  [ -s "$pf" ] || return 0
  pid=$(tr -dc '0-9' < "$pf")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -qa "$1/conf/php-fpm.conf" "/proc/$pid/cmdline" || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  end=$((SECONDS + 10))
  while [ -d "/proc/$pid" ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
  [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  return 0
}

write_htdocs() { # DIR
  local h=$1/htdocs
  mkdir -p "$h/crash" "$h/crash-late" "$h/crash-loc" "$h/typo"
  printf '<html><body>typo</body></html>\n' > "$h/typo/index.html"
  # boom/: mod_rewrite answers 500 by design ([R=500]) and the error log says nothing (an app's own 500)
  mkdir -p "$h/boom"
  printf '<html><body>boom</body></html>\n' > "$h/boom/index.html"
  printf '# the app is down for maintenance: answer 500\nRewriteEngine On\nRewriteRule ^ - [R=500]\n' > "$h/boom/.htaccess"
  # line 2: the classic .htaccess typo; httpd answers 500 and logs "Invalid command 'RewriteEngin'"
  printf '# pretty URLs\nRewriteEngin On\n' > "$h/typo/.htaccess"
  printf '<html><body>crash-loc</body></html>\n' > "$h/crash-loc/index.html"
  printf '<html><body>faultline live test server</body></html>\n' > "$h/index.html"
  printf '<?php echo "ok";\n' > "$h/ok.php"
  printf '<html><body>crash</body></html>\n' > "$h/crash/index.html"
  printf '<html><body>crash-late</body></html>\n' > "$h/crash-late/index.html"
  # line 3: typo of "static"; mod_crashconf segfaults while parsing it (file still open)
  printf '# static assets for the crash demo\nOptions -Indexes\nCrashConfParse statc\n' > "$h/crash/.htaccess"
  # line 2: typo of "proxy"; stored as NULL, segfaults later in the fixups hook (file closed)
  printf '# proxied app\nCrashConfHandler proxxy\n' > "$h/crash-late/.htaccess"
}

cmd_start() { # DIR PORT MPM
  local dir=$1 port=$2 mpm=${3:-prefork} pid code
  [ "$(id -u)" = 0 ] || die "must run as root (apache2 switches its children to www-data)"
  [ -x "$APACHE" ] || die "missing $APACHE (apt-get install apache2)"
  command -v curl >/dev/null || die "missing curl"
  id www-data >/dev/null 2>&1 || die "no www-data user"
  case "$mpm" in prefork|event) ;; *) die "MPM must be prefork or event, not $mpm" ;; esac
  case "$port" in ''|*[!0-9]*) die "bad port '$port'" ;; esac
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # the Mutex directive takes file:PATH unquoted
  case "$dir" in *[[:space:]]*) die "DIR must not contain white space: $dir" ;; esac
  pid=$(parent_pid "$dir")
  # `apache2 -k start` would just say "already running" and exit 0.
  [ -z "$pid" ] || die "a server for $dir is already running (pid $pid); stop it first"

  rm -rf "$dir/conf" "$dir/htdocs" "$dir/logs" "$dir/run"
  mkdir -p "$dir/conf" "$dir/htdocs" "$dir/logs" "$dir/cores"
  if [ "${LIVE_APACHE_FPM:-0}" = 1 ]; then
    [ "$mpm" = event ] || die "LIVE_APACHE_FPM=1 needs the event MPM"
    [ -n "$PHPFPM" ] || die "missing php-fpm (apt-get install php8.2-fpm)"
  fi
  write_conf "$dir" "$port" "$mpm"
  write_htdocs "$dir"
  [ "${LIVE_APACHE_FPM:-0}" = 1 ] && write_fpm "$dir"
  # Children run as www-data: they must reach htdocs (a JUnit @TempDir is mode 700) and write cores.
  chmod a+rx "$dir"
  chmod -R a+rX "$dir/conf" "$dir/htdocs"
  chown www-data: "$dir/cores"
  if command -v runuser >/dev/null && ! runuser -u www-data -- test -r "$dir/htdocs/index.html"; then
    die "www-data cannot read $dir/htdocs (a parent directory is not world-searchable)"
  fi

  if [ "${LIVE_APACHE_FPM:-0}" = 1 ]; then
    fpm_stop "$dir"
    ( for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
      done
      exec setsid -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
        "$PHPFPM" -y "$dir/conf/php-fpm.conf" </dev/null >"$dir/logs/fpm-startup.log" 2>&1
    ) || { cat "$dir/logs/fpm-startup.log" >&2; die "php-fpm did not start"; }
    local fend=$((SECONDS + 10))
    while [ ! -S "$dir/run/php-fpm.sock" ] && [ "$SECONDS" -lt "$fend" ]; do sleep 0.1; done
    [ -S "$dir/run/php-fpm.sock" ] || die "php-fpm did not listen on $dir/run/php-fpm.sock"
  fi
  # setsid: a session and process group of its own (prefork signals its whole group on shutdown).
  # Fds above 2 are closed and 0-2 redirected so the daemon holds none of the caller's pipes
  # (a Java ProcessBuilder or a `$(...)` would otherwise wait for the daemon to exit).
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
    done
    cd "$dir"
    # LIVE_APACHE_CORES=1: let the crashed children dump core into DIR/cores (CoreDumpDirectory).
    if [ "${LIVE_APACHE_CORES:-0}" = 1 ]; then ulimit -c unlimited; fi
    exec setsid -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
      "$APACHE" -f "$dir/conf/httpd.conf" -d "$dir" -k start \
      </dev/null >"$dir/logs/startup.log" 2>&1
  ) || {
    cat "$dir/logs/startup.log" >&2
    grep -q 'Address already in use' "$dir/logs/startup.log" && die "port $port already in use"
    die "apache2 -k start failed"
  }

  # The front process exits once the daemon has forked; wait for the port to answer.
  code=000
  local end=$((SECONDS + 10))
  while [ "$SECONDS" -lt "$end" ]; do
    code=$(http_code "$port" /)
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  pid=$(parent_pid "$dir")
  if [ "$code" != 200 ] || [ -z "$pid" ]; then
    cat "$dir/logs/startup.log" >&2
    tail -n 20 "$dir/logs/error.log" >&2 2>/dev/null || true
    [ -n "$pid" ] && cmd_stop "$dir" >&2
    die "apache2 did not answer on 127.0.0.1:$port within 10 s (last status $code)"
  fi
  echo "$pid"
}

cmd_stop() { # DIR
  local dir pid pids
  dir=$(cd "$1" 2>/dev/null && pwd) || die "no such directory $1"
  fpm_stop "$dir"
  pid=$(parent_pid "$dir")
  # SIGTERM to the parent is what `apache2 -k stop` does; it stops its children itself.
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  local end=$((SECONDS + 15))
  while :; do
    pids=$(server_pids "$dir")
    [ -z "$pids" ] && return 0
    [ "$SECONDS" -lt "$end" ] || break
    sleep 0.1
  done
  echo "live-apache: server in $dir still running after 15 s; sending SIGKILL to" $pids >&2
  kill -KILL $pids 2>/dev/null || true
  end=$((SECONDS + 5))
  while [ "$SECONDS" -lt "$end" ]; do
    [ -z "$(server_pids "$dir")" ] && return 0
    sleep 0.1
  done
  die "processes of $dir survived SIGKILL:" $(server_pids "$dir")
}

cmd_pid() { # DIR
  local dir pid
  dir=$(cd "$1" 2>/dev/null && pwd) || die "no such directory $1"
  pid=$(parent_pid "$dir")
  [ -n "$pid" ] || { echo "live-apache: no server running in $dir" >&2; exit 1; }
  echo "$pid"
}

case "${1:-}" in
  start) [ $# -ge 3 ] && [ $# -le 4 ] || usage; cmd_start "$2" "$3" "${4:-prefork}" ;;
  stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
  pid) [ $# -eq 2 ] || usage; cmd_pid "$2" ;;
  *) usage ;;
esac
