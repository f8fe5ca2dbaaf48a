#!/usr/bin/env bash
# Record real Apache httpd (prefork + mod_php, event + php-fpm) strace fixtures with known answers.
#
#   native/apache/record-apache.sh [OUTDIR] [CASE...]
#
# OUTDIR defaults to <repo>/fixtures/apache.  With CASE names, only those cases are (re)recorded.
# Needs root, strace, curl, apache2 and libapache2-mod-php8.2 (Debian 12).  Every server listens on
# 127.0.0.1:181xx only and every request goes to 127.0.0.1 with --max-time 5.
#
# Per case, OUTDIR/<case>/ gets:
#   f_tt_T_yy_s1024.txt   strace -f -tt -T -yy -s 1024 -o ...
#   f_o.txt               strace -f -o ...            (second, independent run of the same case)
#   snapshot/             the case's ServerRoot (conf + htdocs) mirrored at its absolute path
#   error.log             Apache's error log of the f_tt_T_yy_s1024 run (error-f_o.log: of the f_o run)
#   access.log            its access log (common format) of the same run (access-f_o.log: of the f_o run)
#   requests.txt          requests sent and the status each got, for both runs
#   expected.properties   what `faultline analyze` must conclude
# php-fpm cases (event MPM + mod_proxy_fcgi over a unix socket) also get fpm_<name>.txt: the php-fpm master
# and its workers traced with the same flags in the same run, and fpm-error.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUTDIR=${1:-$REPO/fixtures/apache}
shift || true
BASE=/tmp/faultline-apache
ALL_CASES=(htaccess-typo htaccess-inherited php-missing-include php-stack-overflow not-found-404
           htaccess-prepend-inherited php-permission-include htaccess-unreadable-403 authz-denied-403
           directoryindex-healthy fpm-missing-include parent-only fpm-healthy php-include-path-missing)
if [ $# -gt 0 ]; then CASES=("$@"); else CASES=("${ALL_CASES[@]}"); fi

MODDIR=/usr/lib/apache2/modules
APACHE=/usr/sbin/apache2
PHPFPM=/usr/sbin/php-fpm8.2
# shellcheck source=php-fpm-pool.sh
. "$HERE/php-fpm-pool.sh"

die() { echo "record-apache: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (apache2 switches its children to www-data)"
for t in strace curl ss "$APACHE"; do command -v "$t" >/dev/null || die "missing $t"; done
[ -f "$MODDIR/libphp8.2.so" ] || die "missing $MODDIR/libphp8.2.so (apt-get install libapache2-mod-php8.2)"
[ -f "$MODDIR/mod_rewrite.so" ] || die "missing mod_rewrite.so"
id www-data >/dev/null 2>&1 || die "no www-data user"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

uses_fpm() { [ "$1" = fpm-missing-include ] || [ "$1" = fpm-healthy ]; }

# the two recordings of a case: "<file stem> <strace flags>"; parent-only traces without -f
recordings_of() {
  case "$1" in
    parent-only) printf '%s\n' "p_tt_T_yy_s1024 -tt -T -yy -s 1024" "p_o" ;;
    *) printf '%s\n' "f_tt_T_yy_s1024 -f -tt -T -yy -s 1024" "f_o -f" ;;
  esac
}

port_of() {
  case "$1" in
    htaccess-typo) echo 18101 ;;
    htaccess-inherited) echo 18102 ;;
    php-missing-include) echo 18103 ;;
    php-stack-overflow) echo 18104 ;;
    not-found-404) echo 18105 ;;
    htaccess-prepend-inherited) echo 18106 ;;
    php-permission-include) echo 18107 ;;
    htaccess-unreadable-403) echo 18108 ;;
    authz-denied-403) echo 18109 ;;
    directoryindex-healthy) echo 18110 ;;
    fpm-missing-include) echo 18111 ;;
    parent-only) echo 18112 ;;
    fpm-healthy) echo 18113 ;;
    php-include-path-missing) echo 18114 ;;
    *) die "unknown case $1" ;;
  esac
}

# ---------------------------------------------------------------- server config
write_httpd_conf() { # CASE ROOT PORT
  local c=$1 root=$2 port=$3 mpm=prefork php="LoadModule php_module $MODDIR/libphp8.2.so" handler
  handler='SetHandler application/x-httpd-php'
  if uses_fpm "$c"; then
    mpm=event
    php="LoadModule proxy_module $MODDIR/mod_proxy.so
LoadModule proxy_fcgi_module $MODDIR/mod_proxy_fcgi.so"
    handler="SetHandler \"proxy:unix:$root/run/php-fpm.sock|fcgi://localhost\""
  fi
  mkdir -p "$root/conf" "$root/logs" "$root/htdocs" "$root/run"
  cat > "$root/conf/httpd.conf" <<CONF
# faultline fixture server: $mpm + $(uses_fpm "$c" && echo php-fpm || echo mod_php), loopback only
ServerRoot "$root"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile logs/httpd.pid
DefaultRuntimeDir logs
Mutex file:logs default

LoadModule mpm_${mpm}_module $MODDIR/mod_mpm_${mpm}.so
LoadModule authz_core_module $MODDIR/mod_authz_core.so
LoadModule authz_host_module $MODDIR/mod_authz_host.so
LoadModule mime_module $MODDIR/mod_mime.so
LoadModule dir_module $MODDIR/mod_dir.so
LoadModule rewrite_module $MODDIR/mod_rewrite.so
$php

User www-data
Group www-data

StartServers 2
$(if [ $mpm = prefork ]; then printf 'MinSpareServers 2\nMaxSpareServers 3\nMaxRequestWorkers 5'; else
  printf 'ThreadsPerChild 4\nMinSpareThreads 4\nMaxSpareThreads 8\nMaxRequestWorkers 8'; fi)
MaxConnectionsPerChild 0
KeepAlive Off
Timeout 10

ErrorLog logs/error.log
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog logs/access.log common

TypesConfig /etc/mime.types
DocumentRoot "$root/htdocs"
DirectoryIndex index.php index.html
AccessFileName .htaccess

# AllowOverride on / (not Debian's default) so that every request probes .htaccess in each
# ancestor directory (/.htaccess, /tmp/.htaccess, ... -> ENOENT), as many real servers do.
<Directory />
    Options FollowSymLinks
    AllowOverride All
    Require all denied
</Directory>
<Directory "$root/htdocs">
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>

$(uses_fpm "$c" || echo "PHPIniDir \"$root/conf\"")
<FilesMatch ".+\.php$">
    $handler
</FilesMatch>
$(extra_conf "$c" "$root")
CONF
  cat > "$root/conf/php.ini" <<'INI'
; faultline fixture php.ini (mod_php): errors go to the Apache error log, never to the client,
; so that a fatal error makes mod_php answer 500.
[PHP]
engine = On
display_errors = Off
display_startup_errors = Off
log_errors = On
error_reporting = E_ALL
html_errors = Off
memory_limit = 128M
max_execution_time = 30
expose_php = Off
[Date]
date.timezone = UTC
INI
}

# per-case lines at the end of httpd.conf
extra_conf() { # CASE ROOT
  case "$1" in
    authz-denied-403)
      printf '<Directory "%s/htdocs/private">\n    Require all denied\n</Directory>\n' "$2" ;;
    directoryindex-healthy)
      printf '<Directory "%s/htdocs/site">\n    DirectoryIndex index.html index.php\n</Directory>\n' "$2" ;;
    fpm-healthy)
      # MultiViews: /docs/guide is negotiated to guide.html (mod_negotiation reads the directory)
      printf 'LoadModule negotiation_module %s/mod_negotiation.so\n<Directory "%s/htdocs/docs">\n    Options +MultiViews\n</Directory>\n' "$MODDIR" "$2" ;;
    fpm-missing-include)
      # httpd's documented example format, with the source location always (%F, not %7F: that is for LogLevel
      # debug only) and the OS error (%E)
      printf '%s\n' 'ErrorLogFormat "[%{u}t] [%-m:%l] [pid %P:tid %T] %F: %E: [client\ %a] %M% ,\ referer\ %{Referer}i"' ;;
  esac
}

# php-fpm's own configuration for the fpm cases: one static pool of two workers on a unix socket
write_fpm_conf() { # ROOT
  # shared helpers are found through include_path, after a miss in "."
  write_fpm_pool "$1" no ".:$1/shared"
}

# ---------------------------------------------------------------- cases
setup_case() { # CASE ROOT
  local c=$1 root=$2 h=$2/htdocs
  printf 'hello from faultline fixture %s\n' "$c" > "$h/index.html"
  case "$c" in
    htaccess-typo)
      mkdir -p "$h/app"
      printf '<html><body>app</body></html>\n' > "$h/app/index.html"
      printf '# site defaults: no directory listings\nOptions -Indexes\n' > "$h/.htaccess"
      printf '# pretty URLs for the app\nRewriteEngin On\nRewriteRule ^old/(.*)$ new/$1 [L]\n' > "$h/app/.htaccess"
      ;;
    htaccess-inherited)
      mkdir -p "$h/app"
      printf '<html><body>app</body></html>\n' > "$h/app/index.html"
      printf '# site defaults\nOptions -Indexes\nRewriteEngin On\nRewriteRule ^legacy/(.*)$ /$1 [R=301,L]\n' > "$h/.htaccess"
      printf '# app: no listings, long cache for static files\nOptions -Indexes\nAddType text/html .htm\n' > "$h/app/.htaccess"
      ;;
    php-missing-include)
      setup_wp "$h/wp"
      ;;
    php-stack-overflow)
      mkdir -p "$h/deep"
      # innocent: the script needs unlimited memory so that the C stack overflows first
      printf '# the tree walker needs more than the default memory_limit\nphp_value memory_limit -1\n' > "$h/deep/.htaccess"
      cat > "$h/deep/walk.php" <<'PHP'
<?php
// Walks a (conceptually) endless category tree.  Bug: no depth limit, and every level recurses
// through array_map(), an internal function, so each level costs C stack until the child dies.
function walk_level($depth)
{
    return array_map('walk_level', [$depth + 1]);
}

header('Content-Type: text/plain');
$tree = walk_level(0);
echo "done\n";
PHP
      ;;
    not-found-404)
      printf '# site defaults\nOptions -Indexes\n' > "$h/.htaccess"
      ;;
    htaccess-prepend-inherited)
      # The ancestor .htaccess still points PHP's auto_prepend_file at the WAF bootstrap of the
      # site's old home (a stale path after a migration); the WAF file now lives in htdocs/.
      # Every PHP request under htdocs dies with a fatal error; static files still work.  The
      # child htdocs/app/.htaccess (php_value lines too) is read LAST and is innocent.
      mkdir -p "$h/app"
      printf '<html><body>app</body></html>\n' > "$h/app/index.html"
      printf '<?php\necho "app ok\\n";\n' > "$h/app/index.php"
      printf '<?php\n// Wordfence-style WAF bootstrap (fixture stub)\n' > "$h/wordfence-waf.php"
      cat > "$h/.htaccess" <<'HTA'
# BEGIN Wordfence WAF
<IfModule mod_php.c>
	php_value auto_prepend_file '/srv/www/example.com/public_html/wordfence-waf.php'
</IfModule>
# END Wordfence WAF
Options -Indexes
HTA
      printf '# app: bigger uploads\nphp_value upload_max_filesize 32M\nphp_value post_max_size 32M\n' > "$h/app/.htaccess"
      ;;
    php-permission-include)
      # the shop's settings file was copied in by root with a umask of 077: the server user may not read it
      mkdir -p "$h/shop/config"
      printf '<?php\n// shop front controller\n$started = microtime(true);\nrequire __DIR__ . %s;\necho "shop ok\\n";\n' \
        "'/config/settings.php'" > "$h/shop/index.php"
      printf '<?php\n$db_host = "localhost";\n' > "$h/shop/config/settings.php"
      ;;
    htaccess-unreadable-403)
      # an .htaccess the server user may not read: httpd answers 403 (AH00529), for the whole subtree
      mkdir -p "$h/blog"
      printf '<html><body>blog</body></html>\n' > "$h/blog/index.html"
      printf '# blog: no listings\nOptions -Indexes\n' > "$h/blog/.htaccess"
      ;;
    authz-denied-403)
      # an intended 403: authorization refuses the private area (AH01630); no incident
      mkdir -p "$h/private"
      printf 'internal\n' > "$h/private/report.txt"
      ;;
    directoryindex-healthy)
      # DirectoryIndex tries index.html first; the site has only index.php: the probe is normal
      mkdir -p "$h/site"
      printf '<?php\necho "site ok\\n";\n' > "$h/site/index.php"
      ;;
    fpm-missing-include)
      mkdir -p "$h/app/lib"
      printf '<?php\n// app front controller\nrequire_once __DIR__ . %s;\nrequire_once __DIR__ . %s;\necho render();\n' \
        "'/lib/bootstrap.php'" "'/lib/templates.php'" > "$h/app/index.php"
      printf '<?php\n// templates moved to lib/views.php in the last deploy\nfunction boot() { return true; }\n' > "$h/app/lib/bootstrap.php"
      printf '<?php\nfunction render() { return "app ok\\n"; }\n' > "$h/app/lib/views.php"
      ;;
    fpm-healthy)
      # a healthy php-fpm site full of normal probes: .user.ini in every directory, an include_path miss in "."
      # that the next include_path entry satisfies, MultiViews, and a 404 for a script that does not exist
      mkdir -p "$h/app" "$h/docs" "$root/shared"
      printf '<?php\n// app front controller\nrequire_once %s;\necho greet("app");\n' "'helpers.php'" > "$h/app/index.php"
      printf '<?php\nfunction greet($who) { return "hello $who\\n"; }\n' > "$root/shared/helpers.php"
      printf '<html><body>guide</body></html>\n' > "$h/docs/guide.html"
      ;;
    php-include-path-missing)
      # a relative require: PHP looks for it along include_path (".:/usr/share/php") and finds it nowhere
      mkdir -p "$h/portal"
      printf '<?php\n// portal front page\nrequire %s;\necho "portal ok\\n";\n' "'inc/settings.php'" > "$h/portal/index.php"
      mkdir -p "$h/portal/includes"
      printf '<?php\n$title = "portal";\n' > "$h/portal/includes/settings.php"
      ;;
    parent-only)
      mkdir -p "$h/app"
      printf '<html><body>app</body></html>\n' > "$h/app/index.html"
      printf '# pretty URLs for the app\nRewriteEngin On\n' > "$h/app/.htaccess"
      ;;
  esac
}

# modes set after the tree is made world-readable
restrict_case() { # CASE ROOT
  case "$1" in
    php-permission-include) chmod 600 "$2/htdocs/shop/config/settings.php" ;;
    htaccess-unreadable-403) chmod 600 "$2/htdocs/blog/.htaccess" ;;
  esac
}

setup_wp() { # WPDIR
  local wp=$1 inc=$1/wp-includes f
  mkdir -p "$inc"
  cat > "$wp/index.php" <<'PHP'
<?php
/**
 * Front to the WordPress application. This file doesn't do anything, but loads
 * wp-settings.php which does and tells WordPress to load the theme.
 *
 * @package WordPress
 */

/** Absolute path to the WordPress directory. */
define( 'ABSPATH', __DIR__ . '/' );
define( 'WPINC', 'wp-includes' );
define( 'WP_USE_THEMES', true );

if ( file_exists( ABSPATH . 'wp-config.php' ) ) {
	require_once ABSPATH . 'wp-config.php';
}

/** Sets up the WordPress vars and included files. */
require_once ABSPATH . 'wp-settings.php';

echo 'ok';
PHP
  cat > "$wp/wp-config.php" <<'PHP'
<?php
/** The base configuration for WordPress (fixture: innocent). */
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'not-a-secret' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );
$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
PHP
  cat > "$wp/wp-settings.php" <<'PHP'
<?php
/**
 * Used to set up and fix common variables and include
 * the WordPress procedural and class library.
 *
 * @package WordPress
 */
define( 'WP_SETTINGS_LOADED', true );

require ABSPATH . WPINC . '/version.php';
require ABSPATH . WPINC . '/load.php';
require ABSPATH . WPINC . '/compat.php';
require_once ABSPATH . WPINC . '/class-wp-paused-extensions-storage.php';
require_once ABSPATH . WPINC . '/class-wp-fatal-error-handler.php';
require_once ABSPATH . WPINC . '/class-wp-recovery-mode.php';
require_once ABSPATH . WPINC . '/error-protection.php';
require_once ABSPATH . WPINC . '/default-constants.php';
require_once ABSPATH . WPINC . '/plugin.php';

wp_initial_constants();

require_once ABSPATH . WPINC . '/class-wp-list-util.php';
require_once ABSPATH . WPINC . '/formatting.php';
require_once ABSPATH . WPINC . '/meta.php';
require_once ABSPATH . WPINC . '/functions.php';
require_once ABSPATH . WPINC . '/class-wp-matchesmapregex.php';
require_once ABSPATH . WPINC . '/class-wp.php';
require_once ABSPATH . WPINC . '/class-wp-error.php';
require_once ABSPATH . WPINC . '/pomo/mo.php';
require_once ABSPATH . WPINC . '/l10n.php';
require_once ABSPATH . WPINC . '/class-wp-textdomain-registry.php';
require_once ABSPATH . WPINC . '/class-wp-locale.phpp' );
require_once ABSPATH . WPINC . '/class-wp-locale-switcher.php';
require_once ABSPATH . WPINC . '/class-wp-hook.php';
require_once ABSPATH . WPINC . '/cache.php';
require_once ABSPATH . WPINC . '/option.php';

wp_start_object_cache();
PHP
  # the exact line the brief asks for (with the parenthesised style WordPress used)
  sed -i "s|^require_once ABSPATH . WPINC . '/class-wp-locale.phpp' );|require_once( ABSPATH . WPINC . '/class-wp-locale.phpp' );|" "$wp/wp-settings.php"
  mkdir -p "$inc/pomo"
  for f in version load compat class-wp-paused-extensions-storage class-wp-fatal-error-handler \
           class-wp-recovery-mode error-protection default-constants plugin class-wp-list-util \
           formatting meta functions class-wp-matchesmapregex class-wp class-wp-error pomo/mo l10n \
           class-wp-textdomain-registry class-wp-locale class-wp-locale-switcher class-wp-hook cache option; do
    printf '<?php\n/**\n * WordPress %s (fixture stub).\n *\n * @package WordPress\n */\n' "$f" > "$inc/$f.php"
  done
  printf "\$wp_version = '6.4.2';\n\$wp_db_version = 56657;\n" >> "$inc/version.php"
  printf "function wp_initial_constants() { if ( ! defined( 'WP_MEMORY_LIMIT' ) ) { define( 'WP_MEMORY_LIMIT', '40M' ); } }\n" >> "$inc/default-constants.php"
  printf "function wp_start_object_cache() { return true; }\n" >> "$inc/cache.php"
  printf "class WP_Locale { public \$weekday = array(); }\n" >> "$inc/class-wp-locale.php"
}

# requests per case: "METHOD PATH"
requests_of() {
  case "$1" in
    htaccess-typo) printf '%s\n' "GET /" "GET /app/index.html" ;;
    htaccess-inherited) printf '%s\n' "GET /app/index.html" ;;
    php-missing-include) printf '%s\n' "GET /index.html" "GET /wp/" "GET /wp/" ;;
    php-stack-overflow) printf '%s\n' "GET /index.html" "GET /deep/walk.php" ;;
    not-found-404) printf '%s\n' "GET /index.html" "GET /nope.html" ;;
    htaccess-prepend-inherited) printf '%s\n' "GET /app/index.html" "GET /app/index.php" ;;
    php-permission-include) printf '%s\n' "GET /index.html" "GET /shop/" "GET /shop/" "GET /index.html" "GET /shop/" ;;
    htaccess-unreadable-403) printf '%s\n' "GET /index.html" "GET /blog/" ;;
    authz-denied-403) printf '%s\n' "GET /index.html" "GET /private/report.txt" ;;
    directoryindex-healthy) printf '%s\n' "GET /site/" "GET /site/" ;;
    fpm-missing-include) printf '%s\n' "GET /index.html" "GET /app/" ;;
    parent-only) printf '%s\n' "GET /" "GET /app/index.html" ;;
    fpm-healthy) printf '%s\n' "GET /app/" "GET /docs/guide" "GET /nope.php" "GET /app/" ;;
    php-include-path-missing) printf '%s\n' "GET /index.html" "GET /portal/" ;;
  esac
}

write_expected() { # CASE FILE
  local c=$1 out=$2 anchor class culprit line status= hint=
  local log_anchor log_class log_culprit= log_line=
  case "$c" in
    htaccess-typo) anchor=http_error class=config culprit=htdocs/app/.htaccess line=2 ;;
    htaccess-inherited) anchor=http_error class=config culprit=htdocs/.htaccess line=3 ;;
    php-missing-include)
      anchor=http_error class=missing-include culprit=htdocs/wp/wp-settings.php
      line=$(grep -n "class-wp-locale.phpp" "$BASE/$c/htdocs/wp/wp-settings.php" | cut -d: -f1) ;;
    php-stack-overflow) anchor=crash class=code culprit= line= ;;
    not-found-404) anchor=none class= culprit= line= ;;
    htaccess-prepend-inherited)
      anchor=http_error class=missing-include culprit=htdocs/.htaccess
      line=$(grep -n "auto_prepend_file" "$BASE/$c/htdocs/.htaccess" | cut -d: -f1) ;;
    php-permission-include) anchor=http_error class=permission culprit=htdocs/shop/config/settings.php line= ;;
    htaccess-unreadable-403) anchor=http_error status=403 class=permission culprit=htdocs/blog/.htaccess line= ;;
    php-include-path-missing) anchor=http_error class=missing-include culprit=htdocs/portal/index.php
      line=$(grep -n "inc/settings.php" "$BASE/$c/htdocs/portal/index.php" | cut -d: -f1) ;;
    authz-denied-403|directoryindex-healthy|fpm-healthy) anchor=none class= culprit= line= ;;
    parent-only) anchor=none class= culprit= line= hint="only one process" ;;
    fpm-missing-include)
      anchor=http_error class=missing-include culprit=htdocs/app/index.php
      line=$(grep -n "templates.php" "$BASE/$c/htdocs/app/index.php" | cut -d: -f1) ;;
  esac
  # what the error log alone (analyze --error-log error.log) must conclude
  log_anchor=$anchor log_class=$class log_culprit=$culprit log_line=$line
  case "$c" in
    php-stack-overflow) log_class=unknown ;;   # AH00052: a child died; the log cannot say why
    htaccess-prepend-inherited) log_culprit= log_line= ;;   # "in Unknown on line 0": PHP names no includer
    parent-only) log_anchor=http_error log_class=config log_culprit=htdocs/app/.htaccess log_line=2 ;;
  esac
  {
    echo "# what \`faultline analyze\` must conclude for every recording in this directory"
    echo "anchor=$anchor"
    [ -n "$status" ] && echo "status=$status"
    echo "class=$class"
    echo "culprit=$culprit"
    echo "line=$line"
    [ -n "$hint" ] && echo "hint=$hint"
    echo "# and from error.log alone"
    echo "errorlog.anchor=$log_anchor"
    [ -n "$status" ] && echo "errorlog.status=$status"
    echo "errorlog.class=$log_class"
    echo "errorlog.culprit=$log_culprit"
    echo "errorlog.line=$log_line"
  } > "$out"
}

# ---------------------------------------------------------------- one recording
port_listening() { ss -Hltn "sport = :$1" | grep -q .; }

kill_leftovers() { # ROOT PORT  -- only processes of this fixture server (by its pid file / port)
  local root=$1 port=$2 pid
  if [ -f "$root/logs/httpd.pid" ]; then
    pid=$(cat "$root/logs/httpd.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -qa "$root/conf/httpd.conf" "/proc/$pid/cmdline"; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  fi
  for pid in $(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    grep -qa "$root/conf/httpd.conf" "/proc/$pid/cmdline" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
}

record_one() { # CASE TRACEFILE REQLOG ERRLOG strace-args...
  local c=$1 trace=$2 reqlog=$3 errlog=$4; shift 4
  local root=$BASE/$c port; port=$(port_of "$c")
  kill_leftovers "$root" "$port"
  port_listening "$port" && die "port $port already in use"
  rm -rf "$root"
  write_httpd_conf "$c" "$root" "$port"
  setup_case "$c" "$root"
  chmod -R a+rX "$root"
  restrict_case "$c" "$root"
  # Deployed files are old.  (It matters: opcache refuses to cache a script modified less than
  # opcache.file_update_protection = 2 s ago, which would hide the warm-cache behaviour.)
  find "$root/conf" "$root/htdocs" $([ -d "$root/shared" ] && echo "$root/shared") -exec touch -h -d '3 days ago' {} +

  # Clean, fixed environment; core files off; the usual 8 MiB stack (the overflow case depends on it).
  ulimit -c 0
  ulimit -s 8192
  local fpid= ftrace
  ftrace=$(dirname "$trace")/fpm_$(basename "$trace")
  if uses_fpm "$c"; then
    write_fpm_conf "$root"
    ( cd "$root" && exec setsid -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
        strace "$@" -o "$ftrace" "$PHPFPM" -F -y "$root/conf/php-fpm.conf" -c "$root/conf/php.ini" \
        </dev/null >"$root/logs/fpm-stderr.txt" 2>&1 ) &
    fpid=$!
    for i in $(seq 1 100); do [ -S "$root/run/php-fpm.sock" ] && break; sleep 0.1; done
    [ -S "$root/run/php-fpm.sock" ] || { cat "$root/logs/fpm-stderr.txt" >&2; die "$c: php-fpm did not start"; }
    sleep 0.3
  fi
  # setsid: on shutdown prefork sends SIGTERM to its whole process group (killpg(getpgrp())), and
  # -DFOREGROUND does not detach, so without a group of its own it would take this script down too.
  ( cd "$root" && exec setsid -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
      strace "$@" -o "$trace" "$APACHE" -f "$root/conf/httpd.conf" -d "$root" -DFOREGROUND \
      </dev/null >"$root/logs/startup-stderr.txt" 2>&1 ) &
  local spid=$!

  local i
  for i in $(seq 1 100); do
    if port_listening "$port" && grep -q AH00163 "$root/logs/error.log" 2>/dev/null; then break; fi
    kill -0 "$spid" 2>/dev/null || { cat "$root/logs/startup-stderr.txt" >&2; die "$c: apache2 exited during startup"; }
    sleep 0.1
  done
  port_listening "$port" || die "$c: apache2 did not listen on $port"
  sleep 0.5   # let the prefork children reach accept()

  local req method path code rc
  echo "# $(basename "$trace")" >> "$reqlog"
  while read -r method path; do
    rc=0
    code=$(curl -s --noproxy '*' --max-time 5 -X "$method" -o /dev/null -w '%{http_code}' \
           "http://127.0.0.1:$port$path") || rc=$?
    if [ "$rc" = 0 ]; then
      echo "$method $path -> $code" >> "$reqlog"
    else
      echo "$method $path -> $code (curl exit $rc$([ "$rc" = 52 ] && echo ': empty reply from server'))" >> "$reqlog"
    fi
    sleep 0.3
  done < <(requests_of "$c")

  sleep 1.5   # the parent reaps dead children in its once-a-second maintenance loop
  local mpid; mpid=$(cat "$root/logs/httpd.pid")
  kill -TERM "$mpid"          # = apache2 -k stop
  for i in $(seq 1 150); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$spid" 2>/dev/null; then
    echo "record-apache: $c: apache2 did not stop in 15 s, killing it" >&2
    kill_leftovers "$root" "$port"; sleep 1
    kill -KILL "$mpid" 2>/dev/null || true
  fi
  wait "$spid" || true
  port_listening "$port" && die "$c: something still listens on $port"
  if [ -n "$fpid" ]; then
    kill -QUIT "$(cat "$root/run/php-fpm.pid")"   # graceful stop of the master and its workers
    for i in $(seq 1 100); do kill -0 "$fpid" 2>/dev/null || break; sleep 0.1; done
    wait "$fpid" || true
    cp "$root/logs/fpm-error.log" "$(dirname "$errlog")/fpm-$(basename "$errlog")"
  fi
  cp "$root/logs/error.log" "$errlog"
  cp "$root/logs/access.log" "$(dirname "$errlog")/access$(basename "$errlog" | sed 's/^error//')"
}

snapshot() { # CASE DEST
  local c=$1 dest=$2 root=$BASE/$1
  rm -rf "$dest"
  mkdir -p "$dest$root"
  cp -a "$root/conf" "$root/htdocs" "$dest$root/"
  [ -d "$root/shared" ] && cp -a "$root/shared" "$dest$root/"
  return 0
}

for c in "${CASES[@]}"; do
  port_of "$c" >/dev/null
  d=$OUTDIR/$c
  rm -rf "$d"; mkdir -p "$d"
  echo "== $c"
  : > "$d/requests.txt"
  first=1
  while read -r stem flags; do
    # shellcheck disable=SC2086 # the flags are words
    if [ $first = 1 ]; then
      record_one "$c" "$d/$stem.txt" "$d/requests.txt" "$d/error.log" $flags
      snapshot "$c" "$d/snapshot"
      first=0
    else
      record_one "$c" "$d/$stem.txt" "$d/requests.txt" "$d/error-$stem.log" $flags
    fi
  done < <(recordings_of "$c")
  write_expected "$c" "$d/expected.properties"
  cat "$d/requests.txt"
done
ls -l "$OUTDIR"/*/*.txt
du -sh "$OUTDIR"
