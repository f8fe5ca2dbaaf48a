package dev.faultline.report;

import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import dev.faultline.httpd.check.Finding.Evidence;
import dev.faultline.httpd.check.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * Check results shaped like real checks of the corpus: fixtures/httpd/location-handler-prefork (a handler that
 * crashes in fixups) and fixtures/apache/htaccess-typo (a misspelled directive in an .htaccess answers 500).
 */
final class CheckResults {
    static final String HTACCESS_FIX = """
            --- a/htdocs/app/.htaccess
            +++ b/htdocs/app/.htaccess
            @@ -1,3 +1,3 @@
             # pretty URLs for the app
            -RewriteEngin On
            +RewriteEngine On
             RewriteRule ^old/(.*)$ new/$1 [L]
            """;

    private CheckResults() {
    }

    static List<Probe> passingProbes() {
        return List.of(
                new Probe("configtest", "apache2 -t", -1, "Syntax OK", 240),
                new Probe("start", "apache2 -k start", -1, "started, 3 children", 410),
                new Probe("GET /", "DirectoryIndex target", 200, "200 OK", 12),
                new Probe("GET /index.html", "DirectoryIndex target", 200, "200 OK", 9),
                new Probe("GET /status", "<Location /status> at conf/conf.d/10-status.conf:3", 200, "200 OK", 7));
    }

    static CheckResult clean() {
        return new CheckResult("conf/httpd.conf", ".", passingProbes(), List.of(), List.of(), 1318, null);
    }

    /** location-handler-prefork: FaultdemoHandler bogus at conf/conf.d/40-z.conf:9 kills the child in fixups. */
    static Finding crash() {
        return new Finding("GET /z/", "crash", "config", "conf/conf.d/40-z.conf", 9, "FaultdemoHandler",
                "mod_faultdemo.c", "SIGSEGV in fixups (mod_faultdemo.c)", 0.92, List.of(
                        new Evidence("conf/conf.d/40-z.conf:7", "<Location /z/>"),
                        new Evidence("conf/conf.d/40-z.conf:9", "FaultdemoHandler bogus"),
                        new Evidence("trace:5558", "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"),
                        new Evidence("error.log:4", "AH00052: child pid 4557 exit signal Segmentation fault (11)")),
                null);
    }

    /** htaccess-typo: RewriteEngin On at htdocs/app/.htaccess:2 makes GET /app/ answer 500. */
    static Finding htaccess500() {
        return new Finding("GET /app/", "http_error", "config", "htdocs/app/.htaccess", 2, "RewriteEngin", null,
                "500 Internal Server Error: Invalid command 'RewriteEngin'", 0.97, List.of(
                        new Evidence("htdocs/app/.htaccess:2", "RewriteEngin On"),
                        new Evidence("error.log:3", "[core:alert] [client 127.0.0.1:60044] htdocs/app/.htaccess: "
                                + "Invalid command 'RewriteEngin', perhaps misspelled or defined by a module not "
                                + "included in the server configuration")),
                HTACCESS_FIX);
    }

    /** An error-log entry no request explains and no file is to blame for. */
    static Finding withoutFile() {
        return new Finding("start", "error_log", "unknown", null, 0, null, "mod_ssl.c",
                "AH01909: server certificate does not include an ID which matches the server name", 0.4,
                List.of(new Evidence("error.log:2", "[ssl:warn] AH01909: www.example.com:443:0 server certificate"
                        + " does not include an ID which matches the server name")), null);
    }

    static CheckResult withFindings(Finding... findings) {
        List<Probe> probes = new ArrayList<>(passingProbes());
        probes.add(new Probe("GET /z/", "<Location /z/> at conf/conf.d/40-z.conf:7", -1,
                "no response (the child crashed)", 31));
        probes.add(new Probe("GET /app/", ".htaccess in htdocs/app", 500, "500 Internal Server Error", 15));
        return new CheckResult("conf/httpd.conf", ".", probes, List.of(findings),
                List.of("not root: the server ran as the current user, so permission findings may be missing"),
                2044, null);
    }

    static CheckResult couldNotRun() {
        return new CheckResult("conf/httpd.conf", ".", List.of(), List.of(),
                List.of("no apache2 in PATH"), 3, "apache2 not found: install apache2 or pass --apache2");
    }

    /** Every string a hostile repository or server can put into a result. */
    static CheckResult hostile() {
        String evil = "<script>alert(\"x\")</script> ]]> & 'quoted' \u0000\u0001\u0007\u001b[31mred\u001b[0m"
                + " \uFFFE\uD800 café ÿ 日本 \uD83D\uDE00 line1\nline2\r\n\ttab \u202Eevil";
        String file = "conf/ünï code/a b%20:c#?.conf";
        Finding f = new Finding("GET /" + evil, "crash", "config", file, 3, "Dir" + evil, "mod_" + evil,
                "message " + evil, 0.5, List.of(new Evidence(file + ":3", "text " + evil),
                        new Evidence(file + ":1", "<Location " + evil + ">"),
                        new Evidence("trace:" + evil, evil)),
                "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-" + evil + "\n+fixed ]]>\n");
        Finding absolute = new Finding("GET /abs", "http_error", "permission", "/tmp/faultline-check-x/conf/a.conf",
                4, null, null, "absolute " + evil, 0.8, List.of(), null);
        List<Probe> probes = List.of(new Probe("GET /" + evil, "--url " + evil, -1, "result " + evil, 5),
                new Probe("GET /abs", "--url", 500, "500", 1), new Probe("ok " + evil, evil, 200, "200", 1));
        return new CheckResult("conf/" + evil, evil, probes, List.of(f, absolute), List.of("note " + evil), 7,
                null);
    }
}
