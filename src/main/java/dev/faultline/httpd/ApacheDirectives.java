package dev.faultline.httpd;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Directive names of httpd 2.4's core and stock modules (the ones `apache2 -L` lists on Debian). Used to spot
 * the classic .htaccess typo when the trace cut Apache's "Invalid command" message: a line whose first word is
 * no known directive but one letter or two away from one ("RewriteEngin" → "RewriteEngine"). Only near misses
 * count, so directives of third-party modules are never flagged.
 */
public final class ApacheDirectives {
    private static final Set<String> KNOWN = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        String names = "AcceptFilter AcceptPathInfo AccessFileName Action AddAlt AddAltByEncoding AddAltByType AddCharset "
                + "AddDefaultCharset AddDescription AddEncoding AddHandler AddIcon AddIconByEncoding AddIconByType "
                + "AddInputFilter AddLanguage AddOutputFilter AddOutputFilterByType AddType Alias AliasMatch Allow "
                + "AllowEncodedSlashes AllowMethods AllowOverride AllowOverrideList AuthBasicAuthoritative AuthBasicProvider "
                + "AuthDigestProvider AuthGroupFile AuthMerging AuthName AuthType AuthUserFile AuthzGroupFileAuthoritative "
                + "BrowserMatch BrowserMatchNoCase CGIMapExtension CGIPassAuth CGIVar CharsetDefault CharsetOptions "
                + "CharsetSourceEnc CheckCaseOnly CheckSpelling ContentDigest CookieDomain CookieExpires CookieName "
                + "CookieStyle CookieTracking DAV DefaultIcon DefaultLanguage DefaultType Define DeflateBufferSize "
                + "DeflateCompressionLevel DeflateFilterNote DeflateMemLevel DeflateWindowSize Deny DirectoryCheckHandler "
                + "DirectoryIndex DirectoryIndexRedirect DirectorySlash DocumentRoot EnableMMAP EnableSendfile Error "
                + "ErrorDocument ErrorLog ExpiresActive ExpiresByType ExpiresDefault FallbackResource FileETag "
                + "FilterChain FilterDeclare FilterProtocol FilterProvider FilterTrace ForceLanguagePriority ForceType "
                + "Header HeaderName IndexHeadInsert IndexIgnore IndexIgnoreReset IndexOptions IndexOrderDefault "
                + "IndexStyleSheet ISAPIAppendLogToErrors LanguagePriority LimitRequestBody LimitXMLRequestBody LogLevel "
                + "MetaDir MetaFiles MetaSuffix MultiviewsMatch Options Order PassEnv ReadmeName Redirect RedirectMatch "
                + "RedirectPermanent RedirectTemp RemoveCharset RemoveEncoding RemoveHandler RemoveInputFilter "
                + "RemoveLanguage RemoveOutputFilter RemoveType RequestHeader Require RewriteBase RewriteCond RewriteEngine "
                + "RewriteOptions RewriteRule Satisfy ScriptAlias ScriptAliasMatch ScriptInterpreterSource ServerSignature "
                + "SetEnv SetEnvIf SetEnvIfExpr SetEnvIfNoCase SetHandler SetInputFilter SetOutputFilter SSIErrorMsg "
                + "SSITimeFormat SSLCipherSuite SSLOptions SSLRenegBufferSize SSLRequire SSLRequireSSL SSLVerifyClient "
                + "SSLVerifyDepth Substitute SubstituteInheritBefore SubstituteMaxLineLength UnsetEnv XBitHack "
                + "php_value php_flag php_admin_value php_admin_flag LoadModule Include IncludeOptional Listen ServerName "
                + "ServerAlias ServerAdmin ServerRoot User Group Timeout KeepAlive KeepAliveTimeout MaxKeepAliveRequests "
                + "HostnameLookups CustomLog LogFormat TransferLog PidFile TypesConfig MaxRequestWorkers StartServers "
                + "MinSpareServers MaxSpareServers ServerLimit ThreadsPerChild ProxyPass ProxyPassReverse ProxyPreserveHost "
                + "SSLEngine SSLCertificateFile SSLCertificateKeyFile SSLProtocol Mutex DefaultRuntimeDir CoreDumpDirectory "
                + "UseCanonicalName ServerTokens TraceEnable";
        for (String n : names.split(" ")) {
            KNOWN.add(n);
        }
    }

    private ApacheDirectives() {
    }

    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }

    /** A finding: the 1-based line of a misspelled directive and the directive it is close to. */
    public static final class Typo {
        public final int line;
        public final String written;
        public final String meant;

        Typo(int line, String written, String meant) {
            this.line = line;
            this.written = written;
            this.meant = meant;
        }
    }

    /** The first line whose directive is unknown but a near miss of a known one, or null. */
    public static Typo findTypo(String content) {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("<")) {
                continue;
            }
            int sp = 0;
            while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
                sp++;
            }
            String word = t.substring(0, sp);
            if (word.length() < 4 || isKnown(word)) {
                continue;
            }
            for (String k : KNOWN) {
                if (distance(word.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= 2) {
                    return new Typo(i + 1, word, k);
                }
            }
        }
        return null;
    }

    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return 3;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
