package dev.faultline.trace;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in buffer text (plain, or C-escaped as strace prints it) before it reaches a log or a report:
 * values of password/secret/token/API-key settings, credentials of Authorization and Cookie headers, and the
 * password of a {@code scheme://user:PASS@host} URL. Each becomes {@code ***}; everything else stays as it was.
 */
public final class Redactor {
    public static final String MASK = "***";

    /**
     * The end of a setting name that ends in a trigger word (only its end: a pattern that also matched the start of
     * the name would backtrack quadratically over long words); "pass" must follow a non-alphanumeric (mod_dbd's
     * pass=, not bypass=), and WordPress's AUTH_KEY-style keys and salts are matched by name.
     */
    private static final String KEY = "(?:password|passwd|secret|token|api[_-]?key|(?<![a-z0-9])pass"
            + "|(?<![a-z0-9])(?:auth|logged_in|nonce)_(?:key|salt))(?![a-z0-9])";
    private static final String QUOTE = "\\\\?[\"']";
    /** {@code key=value}, {@code key: value}, {@code 'key' => 'value'}, and {@code 'key', 'value'} (PHP define). */
    private static final Pattern KEY_VALUE = Pattern.compile("(?i)" + KEY
            + "(?:(?:" + QUOTE + ")?[ \\t]*(?:=>|[=:])[ \\t]*|" + QUOTE + ",[ \\t]*(?=" + QUOTE + "))");
    /** An Apache-style directive at the start of a line: {@code DBPassword hunter2}. */
    private static final Pattern DIRECTIVE = Pattern.compile(
            "(?i)(?:^|\\n|\\\\n|\\\\r|\")(?:[ \\t]|\\\\t)*[a-z0-9_]*+(?<=password|passwd|secret|token)"
                    + "(?:[ \\t]|\\\\t)++(?![=:])");
    /**
     * {@code SetEnv DB_PASSWORD x}, {@code SetEnv API_KEY x}: an environment variable handed to an application whose
     * name says it holds a secret (httpd passes it to CGI, PHP's $_SERVER and FastCGI backends).
     */
    private static final Pattern SETENV = Pattern.compile(
            "(?i)(?:^|\\n|\\\\n|\\\\r|\")(?:[ \\t]|\\\\t)*SetEnv(?:[ \\t]|\\\\t)++[a-z0-9_]*?(?:pass|secret|token|key)[a-z0-9_]*+"
                    + "(?:[ \\t]|\\\\t)++");
    /** A PEM private key (the contents of SSLCertificateKeyFile read into a buffer): its body is masked whole. */
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----(.*?)(-----END \\1-----|$)", Pattern.DOTALL);
    private static final Pattern HEADER = Pattern.compile("(?i)(?:authorization|cookie):[ \\t]*");
    private static final Pattern URL_PASSWORD = Pattern.compile("://[^:/@\\s\"'\\\\]*:([^@/\\s\"'\\\\]+)@");
    private static final Pattern AUTH_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9._~+-]*[ \\t]+");

    private Redactor() {
    }

    /** {@code s} with its secrets masked; {@code s} itself when it holds none. */
    public static String redact(String s) {
        if (s == null || !mayHoldSecret(s)) {
            return s;
        }
        String out = redactHeaders(s);
        out = redactKeyValues(out, KEY_VALUE);
        out = redactKeyValues(out, DIRECTIVE);
        out = redactKeyValues(out, SETENV);
        out = redactPrivateKeys(out);
        out = redactUrlPasswords(out);
        return out.equals(s) ? s : out;
    }

    /**
     * The fast path: one pass looking for the start of a trigger word, ignoring case. The second letter is checked
     * before any word is compared: most text has plenty of p, s, t and a, and few "pa", "se", "to", "ap"/"au".
     */
    static boolean mayHoldSecret(String s) {
        for (int i = 0, n = s.length() - 1; i < n; i++) {
            int second = s.charAt(i + 1) | 0x20;
            switch (s.charAt(i) | 0x20) {
                case 'p' -> {
                    if (second == 'a' && s.regionMatches(true, i, "pass", 0, 4)) {
                        return true;
                    }
                }
                case 's' -> {
                    if (second == 'e' && s.regionMatches(true, i, "secret", 0, 6)) {
                        return true;
                    }
                }
                case 't' -> {
                    if (second == 'o' && s.regionMatches(true, i, "token", 0, 5)) {
                        return true;
                    }
                }
                case 'a' -> {
                    if (second == 'p' && (s.regionMatches(true, i, "apikey", 0, 6) || s.regionMatches(true, i, "api_key", 0, 7)
                            || s.regionMatches(true, i, "api-key", 0, 7))
                            || second == 'u' && (s.regionMatches(true, i, "authorization", 0, 13)
                            || s.regionMatches(true, i, "auth_key", 0, 8)
                            || s.regionMatches(true, i, "auth_salt", 0, 9))) {
                        return true;
                    }
                }
                case 'l' -> {
                    if (second == 'o' && s.regionMatches(true, i, "logged_in_", 0, 10)) {
                        return true;
                    }
                }
                case 'n' -> {
                    if (second == 'o' && s.regionMatches(true, i, "nonce_", 0, 6)) {
                        return true;
                    }
                }
                case 'c' -> {
                    if (second == 'o' && s.regionMatches(true, i, "cookie", 0, 6)) {
                        return true;
                    }
                }
                case 'k' -> {
                    // SetEnv API_KEY ..., and "PRIVATE KEY-----" of a PEM key
                    if (second == 'e' && (s.regionMatches(true, i, "key", 0, 3))) {
                        return true;
                    }
                }
                case ':' -> {
                    if (s.startsWith("//", i + 1)) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /** Authorization keeps its scheme word (Basic, Bearer, Digest); a cookie header is masked whole. */
    private static String redactHeaders(String s) {
        Matcher m = HEADER.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        // from the end of the last value masked: "Authorization: Cookie: x" is one header, not two overlapping ones
        while (from < s.length() && m.find(from)) {
            from = m.end();
            int valueStart = m.end();
            if (Character.toLowerCase(s.charAt(m.start())) == 'a') {
                Matcher scheme = AUTH_SCHEME.matcher(s).region(valueStart, s.length());
                if (scheme.lookingAt() && lineEnd(s, scheme.end()) > scheme.end()) {
                    valueStart = scheme.end();
                }
            }
            int valueEnd = lineEnd(s, valueStart);
            if (valueEnd > valueStart) {
                out = out == null ? new StringBuilder(s.length()) : out;
                out.append(s, copied, valueStart).append(MASK);
                copied = valueEnd;
                from = valueEnd;
            }
        }
        return finish(out, s, copied);
    }

    /** Masks the value that follows each match of {@code key} (which ends where the value begins). */
    private static String redactKeyValues(String s, Pattern key) {
        Matcher m = key.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        while (from < s.length() && m.find(from)) {
            int[] value = value(s, m.end());
            from = Math.max(value[1], m.end());
            String text = s.substring(value[0], value[1]);
            if (!text.isEmpty() && !text.startsWith(MASK) && !isUsingPasswordAnswer(text)) {
                out = out == null ? new StringBuilder(s.length()) : out;
                out.append(s, copied, value[0]).append(MASK);
                copied = value[1];
            }
        }
        return finish(out, s, copied);
    }

    /** MySQL's "Access denied ... (using password: YES)" says whether a password was sent, not which. */
    private static boolean isUsingPasswordAnswer(String value) {
        return value.equals("YES)") || value.equals("NO)");
    }

    /** Everything between a PEM private key's BEGIN and END lines (or the end of the text, when it was cut). */
    private static String redactPrivateKeys(String s) {
        if (!s.contains("PRIVATE KEY-----")) {
            return s;
        }
        Matcher m = PEM_KEY.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (m.group(2).isEmpty()) {
                continue;
            }
            out = out == null ? new StringBuilder(s.length()) : out;
            out.append(s, copied, m.start(2)).append(MASK);
            copied = m.end(2);
        }
        return finish(out, s, copied);
    }

    private static String redactUrlPasswords(String s) {
        Matcher m = URL_PASSWORD.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            out = out == null ? new StringBuilder(s.length()) : out;
            out.append(s, copied, m.start(1)).append(MASK);
            copied = m.end(1);
        }
        return finish(out, s, copied);
    }

    private static String finish(StringBuilder out, String s, int copied) {
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /**
     * The value starting at {@code at}, as {start, end}. A quoted value ({@code '..'}, {@code ".."} or strace's
     * {@code \"..\"}) runs to its closing quote; a bare one stops at whitespace, a quote, {@code ;} or {@code &}.
     * Both stop at a line end, raw or written {@code \n}/{@code \r}, and at a bare {@code "}, which in strace
     * text closes the buffer: so a {@code "} with no partner before the line end opens no value.
     */
    private static int[] value(String s, int at) {
        String close = null;
        if (s.startsWith("\\\"", at) || s.startsWith("\\'", at)) {
            close = s.substring(at, at + 2);
        } else if (at < s.length() && (s.charAt(at) == '"' || s.charAt(at) == '\'')) {
            close = s.substring(at, at + 1);
        }
        int start = close == null ? at : at + close.length();
        int i = start;
        while (i < s.length()) {
            if (close != null && s.startsWith(close, i)) {
                return new int[] {start, i};
            }
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                if (e == 'n' || e == 'r' || close == null && (e == 't' || e == '"' || e == '\'')) {
                    break;
                }
                i += 2;
                continue;
            }
            if (close == null && (Character.isWhitespace(c) || c == '\'' || c == ';' || c == '&')) {
                break;
            }
            i++;
        }
        return new int[] {start, "\"".equals(close) ? start : i};
    }

    /**
     * Where a header value ends: at a line end, raw or escaped, or at a bare quote, which in strace text closes the
     * buffer.
     */
    private static int lineEnd(String s, int at) {
        int i = at;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                if (e == 'n' || e == 'r') {
                    break;
                }
                i += 2;
                continue;
            }
            i++;
        }
        return i;
    }
}
