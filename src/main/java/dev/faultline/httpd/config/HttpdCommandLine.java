package dev.faultline.httpd.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What httpd's command line says about its configuration ({@code apache2 -d ROOT -f FILE -D NAME -C/-c "directive"
 * -k start -t}), as main.c reads it. Without {@code -f}, httpd reads its compiled-in SERVER_CONFIG_FILE relative to
 * the ServerRoot, both compiled in ({@link HttpdBuildDefaults}): Debian's {@code apache2.conf} under {@code /etc/apache2},
 * Red Hat's {@code conf/httpd.conf} under {@code /etc/httpd}.
 */
public record HttpdCommandLine(String serverRoot, String configFile, Map<String, String> defines, List<String> before,
        List<String> after, boolean configTest, String signal) {
    /** How the trace model marks an argv string strace cut (TraceModel.CUT_MARK). */
    static final String CUT = "\u2026";

    /** True when {@code -f} (or {@code -d}) was given but cut by strace: the config must be found another way. */
    public static boolean wasCut(List<String> argv) {
        return argv != null && argv.stream().anyMatch(a -> a != null && a.endsWith(CUT));
    }

    /** Parses argv (argv[0] included) with Debian's compiled-in defaults; unknown options are skipped. */
    public static HttpdCommandLine parse(List<String> argv) {
        return parse(argv, HttpdBuildDefaults.DEBIAN);
    }

    /** Parses argv (argv[0] included); without -d or -f, the executable's compiled-in defaults apply. */
    public static HttpdCommandLine parse(List<String> argv, HttpdBuildDefaults defaults) {
        String root = null;
        String file = null;
        Map<String, String> defines = new LinkedHashMap<>();
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        boolean test = false;
        String signal = null;
        for (int i = 1; argv != null && i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.length() < 2 || a.charAt(0) != '-') {
                continue;
            }
            char o = a.charAt(1);
            // an option's value is glued (-DFOREGROUND) or the next word (-D FOREGROUND)
            String value = a.length() > 2 ? a.substring(2) : i + 1 < argv.size() ? argv.get(i + 1) : null;
            if (value != null && value.endsWith(CUT)) {
                value = null; // strace cut it: a prefix is no path
            }
            boolean takesValue = "dfDCcke".indexOf(o) >= 0;
            if (takesValue && a.length() == 2) {
                i++;
            }
            switch (o) {
                case 'd' -> root = value;
                case 'f' -> file = value;
                case 'D' -> {
                    if (value != null) {
                        defines.put(value, "");
                    }
                }
                case 'C' -> before.add(value);
                case 'c' -> after.add(value);
                case 'k' -> signal = value;
                case 't' -> test = true;
                default -> {
                    // -X, -S (DUMP_VHOSTS), -M (DUMP_MODULES), -e, ...: nothing about the configuration
                    if (a.equals("-S")) {
                        defines.put("DUMP_VHOSTS", "");
                        defines.put("DUMP_RUN_CFG", "");
                        test = true;
                    } else if (a.equals("-M")) {
                        defines.put("DUMP_MODULES", "");
                        test = true;
                    }
                }
            }
        }
        String r = root == null ? defaults.serverRoot() : root;
        String f = file == null ? defaults.configFile() : file;
        return new HttpdCommandLine(r, f.startsWith("/") ? f : r + "/" + f, defines, before, after, test, signal);
    }
}
