#!/usr/bin/env bash
# Check that every recording under OUTDIR (default <repo>/fixtures/apache) shows the evidence its
# case is about, and print that evidence with trace line numbers.  Exit 1 if anything is missing.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=${1:-$HERE/../../fixtures/apache}
fail=0
need() { # FILE DESCRIPTION ERE
  local hits; hits=$(grep -n -E -- "$3" "$1" | cut -c1-220)
  if [ -z "$hits" ]; then echo "  MISSING: $2"; fail=1; else echo "  $2:"; sed 's/^/    /' <<<"$hits"; fi
}
none() { # FILE DESCRIPTION ERE
  if grep -q -E -- "$3" "$1"; then echo "  UNEXPECTED: $2"; grep -n -E -- "$3" "$1" | cut -c1-220 | sed 's/^/    /'; fail=1; fi
}
for d in "$OUTDIR"/*/; do
  c=$(basename "$d")
  for t in "$d"f_tt_T_yy_s1024.txt "$d"f_o.txt "$d"p_tt_T_yy_s1024.txt "$d"p_o.txt; do
    [ -f "$t" ] || continue
    echo "== $c/$(basename "$t")"
    if [ "$c" = parent-only ]; then   # no -f: no pid column
      need "$t" "parent exits cleanly" '^([0-9:.]+ )?\+\+\+ exited with 0 \+\+\+'
    else
      need "$t" "parent exits cleanly (last line)" "^$(head -1 "$t" | cut -d' ' -f1) .*\+\+\+ exited with 0 \+\+\+"
    fi
    [ "$c" = parent-only ] || need "$t" "requests read" 'read\([0-9]+.*"GET '
    fpm=$(dirname "$t")/fpm_$(basename "$t")
    case "$c" in
      php-permission-include)
        need "$t" "settings.php denied" 'openat\(.*shop/config/settings\.php", O_RDONLY\) = -1 EACCES'
        need "$t" "status 500 (mod_php: HTTP/1.0)" 'writev\(9.*HTTP/1\.0 500' ;;
      htaccess-unreadable-403)
        need "$t" ".htaccess denied" 'openat\(.*blog/\.htaccess", O_RDONLY\|O_CLOEXEC\) = -1 EACCES'
        need "$t" "status 403" 'writev\(9.*HTTP/1\.1 403'
        [[ $t == *s1024* ]] && need "$t" "AH00529" 'write\(2<.*AH00529' ;;
      authz-denied-403)
        need "$t" "status 403" 'writev\(9.*HTTP/1\.1 403'
        none "$t" "no EACCES" 'EACCES'
        [[ $t == *s1024* ]] && need "$t" "AH01630" 'write\(2<.*AH01630' ;;
      directoryindex-healthy)
        need "$t" "index.html probed first" 'site/index\.html.*ENOENT'
        none "$t" "no 5xx" 'writev\(9.*HTTP/1\.[01] 5' ;;
      fpm-missing-include|fpm-healthy)
        need "$t" "httpd connects to php-fpm" 'connect\(.*sun_path=".*/run/php-fpm\.sock"'
        need "$fpm" "php-fpm reads FCGI_BEGIN_REQUEST" 'read\([0-9]+.*, "\\1\\1\\0\\1'
        if [ "$c" = fpm-missing-include ]; then
          need "$fpm" "templates.php missing in the worker" 'openat\(.*templates\.php", O_RDONLY\) = -1 ENOENT'
          need "$t" "status 500" 'writev\([0-9]+.*HTTP/1\.1 500'
        else
          need "$fpm" "include_path miss in ." 'app/\./helpers\.php.*ENOENT'
          need "$fpm" ".user.ini probes" '\.user\.ini.*ENOENT'
          need "$t" "status 404 (Primary script unknown)" 'writev\([0-9]+.*HTTP/1\.1 404'
          none "$t" "no 5xx" 'writev\([0-9]+.*HTTP/1\.[01] 5'
        fi ;;
      parent-only)
        none "$t" "no request in the parent" 'read\([0-9]+.*"GET '
        need "$t" "the parent's maintenance loop" 'wait4\(-1, .*WNOHANG' ;;
      php-include-path-missing)
        need "$t" "include_path probes" '/usr/share/php/inc/settings\.php.*ENOENT'
        need "$t" "status 500 (mod_php: HTTP/1.0)" 'writev\(9.*HTTP/1\.0 500' ;;
      htaccess-typo)
        need "$t" "app/.htaccess opened" 'htdocs/app/\.htaccess", O_RDONLY\|O_CLOEXEC\) = [0-9]'
        need "$t" "status 500" 'writev\(9.*HTTP/1\.1 500'
        [[ $t == *s1024* ]] && need "$t" "error log names the file" "write\(2<.*app/\.htaccess: Invalid command 'RewriteEngin'" ;;
      htaccess-inherited)
        need "$t" "htdocs/.htaccess opened" 'htdocs/\.htaccess", O_RDONLY\|O_CLOEXEC\) = [0-9]'
        none "$t" "app/.htaccess is never opened (Apache stops at the first bad .htaccess)" 'htdocs/app/\.htaccess"'
        need "$t" "status 500" 'writev\(9.*HTTP/1\.1 500'
        [[ $t == *s1024* ]] && need "$t" "error log names the file" "write\(2<.*htdocs/\.htaccess: Invalid command 'RewriteEngin'" ;;
      php-missing-include)
        need "$t" ".phpp probes" 'class-wp-locale\.phpp".*ENOENT'
        need "$t" "status 500 (mod_php: HTTP/1.0)" 'writev\(9.*HTTP/1\.0 500'
        [[ $t == *s1024* ]] && need "$t" "PHP warning names referrer and line" 'write\(2<.*PHP Warning:  require_once\(.*\.phpp\).*wp-settings\.php on line' ;;
      php-stack-overflow)
        need "$t" "SIGSEGV" '--- SIGSEGV \{'
        need "$t" "child killed" '\+\+\+ killed by SIGSEGV'
        need "$t" "parent reaps it" 'wait4\(-1, \[\{WIFSIGNALED\(s\) && WTERMSIG\(s\) == SIGSEGV'
        none "$t" "no HTTP 5xx written" 'writev\(9.*HTTP/1\.[01] 5'
        [[ $t == *s1024* ]] && need "$t" "AH00052" 'write\(2<.*AH00052' ;;
      not-found-404)
        need "$t" "status 404" 'writev\(9.*HTTP/1\.1 404'
        none "$t" "no 5xx" 'writev\(9.*HTTP/1\.[01] 5'
        none "$t" "no SIGSEGV" '--- SIGSEGV' ;;
      htaccess-prepend-inherited)
        need "$t" "both .htaccess opened" 'htdocs/(app/)?\.htaccess", O_RDONLY\|O_CLOEXEC\) = [0-9]'
        need "$t" "stale prepend path ENOENT" 'openat\(.*wordfence-waf\.php", O_RDONLY\) = -1 ENOENT'
        need "$t" "status 500 (mod_php: HTTP/1.0)" 'writev\(9.*HTTP/1\.0 500'
        [[ $t == *s1024* ]] && need "$t" "PHP fatal (no referrer: 'Unknown on line 0')" 'write\(2<.*Failed opening required .*wordfence-waf\.php.* in Unknown on line 0' ;;
    esac
  done
done
[ $fail = 0 ] && echo "all evidence present" || echo "EVIDENCE MISSING"
exit $fail
