#!/bin/sh
# A server in a container, as far as its files go: run under `unshare -m --propagation private`, it mounts a tmpfs
# on DIR (an empty directory on the host) and starts apache2 from a config that exists only in that mount. From the
# host, DIR stays empty: its files can be read only through /proc/PID/root. The .htaccess under /app has a typo
# on line 3 (RewriteEngin), so GET /app/ answers 500 and the error log names the file, not the line.
#   unshare -m --propagation private native/apache/in-mount-namespace.sh DIR PORT
set -e
R=$1
PORT=$2
mount -t tmpfs none "$R"
mkdir -p $R/htdocs/app $R/logs
echo ok > $R/htdocs/index.html
printf '# app settings\nOptions -Indexes\nRewriteEngin On\n' > $R/htdocs/app/.htaccess
M=/usr/lib/apache2/modules
cat > $R/httpd.conf <<CONF
ServerRoot $R
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
PidFile $R/logs/httpd.pid
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule dir_module $M/mod_dir.so
User www-data
Group www-data
StartServers 1
ErrorLog $R/logs/error.log
DocumentRoot $R/htdocs
<Directory $R/htdocs>
    AllowOverride All
    Require all granted
</Directory>
CONF
chmod -R a+rX $R
exec /usr/sbin/apache2 -d $R -f $R/httpd.conf -DFOREGROUND
