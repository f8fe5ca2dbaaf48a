package dev.faultline.httpd.config;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code /etc/apache2/envvars}, which apache2ctl sources before it starts httpd (the config's
 * {@code ${APACHE_RUN_DIR}} and friends come from it). Read without a shell: every {@code NAME=value} and
 * {@code export NAME=value} assignment in file order, with {@code $NAME}/{@code ${NAME}} expanded from earlier ones
 * and quotes removed. Shell logic is not run: of an if/else, the last assignment wins (for Debian's SUFFIX, the
 * {@code else} branch: an empty suffix, right for the default /etc/apache2).
 */
public final class Envvars {
    private static final Pattern ASSIGN = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private Envvars() {
    }

    public static Map<String, String> read(ConfigFiles files, String path) {
        Map<String, String> env = new LinkedHashMap<>();
        byte[] b = files.read(path);
        if (b == null) {
            return env;
        }
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
            Matcher m = ASSIGN.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String v = m.group(2).strip();
            int hash = v.indexOf(" #");
            if (hash >= 0) {
                v = v.substring(0, hash).strip();
            }
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            Matcher r = REF.matcher(v);
            StringBuilder sb = new StringBuilder();
            while (r.find()) {
                String name = r.group(1) != null ? r.group(1) : r.group(2);
                r.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(name, "")));
            }
            r.appendTail(sb);
            env.put(m.group(1), sb.toString());
        }
        return env;
    }
}
