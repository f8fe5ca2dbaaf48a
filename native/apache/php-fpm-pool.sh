# Sourced by record-apache.sh and live-apache.sh: the one php-fpm pool both use.
#
#   write_fpm_pool ROOT yes|no [INCLUDE_PATH]
#
# writes ROOT/conf/php-fpm.conf: a pool of two static workers (www-data) on the unix socket
# ROOT/run/php-fpm.sock only, pid in ROOT/run/php-fpm.pid, log in ROOT/logs/fpm-error.log, PHP errors
# logged and never shown (a fatal error is a 500). The second argument is php-fpm's `daemonize`.
write_fpm_pool() {
  local root=$1 daemonize=$2 include_path=${3:-}
  mkdir -p "$root/conf" "$root/run" "$root/logs"
  {
    cat <<FPM
; faultline php-fpm pool (native/apache/php-fpm-pool.sh): one unix socket, nothing else
[global]
pid = $root/run/php-fpm.pid
error_log = $root/logs/fpm-error.log
daemonize = $daemonize

[www]
user = www-data
group = www-data
listen = $root/run/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 2
catch_workers_output = yes
php_admin_flag[log_errors] = on
php_admin_value[display_errors] = off
FPM
    [ -z "$include_path" ] || printf 'php_admin_value[include_path] = "%s"\n' "$include_path"
  } > "$root/conf/php-fpm.conf"
}
