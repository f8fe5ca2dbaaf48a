package dev.faultline.model;

import java.util.Locale;
import java.util.Set;

/**
 * What kind of file a path is, for ranking: configuration and include files are suspects; libraries, locale
 * and time-zone data, NSS files, /proc, /dev and logs are the noise every process touches (BRIEF §2).
 */
public enum PathClass {
    /** Server or application configuration: .conf, .htaccess, .ini, .user.ini, files under /etc/apache2 ... */
    CONFIG,
    /** Code pulled in at run time by the config or a script: .php, .inc, LoadModule .so outside system lib dirs. */
    INCLUDE,
    /** Shared libraries and the dynamic loader's files. */
    LIBRARY,
    /** Time zones, locales, NSS, /proc, /sys, /dev, caches: touched by everything. */
    SYSTEM,
    /** Log files. */
    LOG,
    /** Anything else (documents, data). */
    OTHER;

    private static final Set<String> CONFIG_EXT = Set.of("conf", "cnf", "cfg", "config", "ini", "htaccess",
            "htpasswd", "load", "yaml", "yml", "toml", "properties", "json", "xml", "rules", "map", "vhost", "site");
    private static final Set<String> INCLUDE_EXT = Set.of("php", "inc", "phtml", "tpl", "pl", "py", "lua", "rb",
            "js", "so");

    public boolean isSuspect() {
        return this == CONFIG || this == INCLUDE;
    }

    public static PathClass of(String path) {
        if (path == null || path.isEmpty()) {
            return OTHER;
        }
        String p = path;
        String base = basename(p);
        String lower = base.toLowerCase(Locale.ROOT);
        if (p.startsWith("/proc/") || p.startsWith("/sys/") || p.startsWith("/dev/") || p.equals("/dev")
                || p.startsWith("/run/") || p.startsWith("/var/run/") || p.startsWith("/usr/share/zoneinfo")
                || p.equals("/etc/localtime") || p.startsWith("/usr/lib/locale") || p.startsWith("/usr/share/locale")
                || p.startsWith("/etc/ld.so") || p.equals("/etc/nsswitch.conf") || p.equals("/etc/passwd")
                || p.equals("/etc/group") || p.equals("/etc/hosts") || p.equals("/etc/resolv.conf")
                || p.equals("/etc/host.conf") || p.equals("/etc/gai.conf") || p.equals("/etc/services")
                || p.equals("/etc/protocols") || p.startsWith("/etc/ssl/") || p.startsWith("/usr/share/ca-")
                || p.contains("/gconv/") || p.startsWith("/tmp/.ZendSem") || p.startsWith("/var/lib/php/sessions")
                || p.equals("/etc/mime.types") || p.equals("/") || lower.equals("locale.alias")
                || p.startsWith("/usr/lib/x86_64-linux-gnu/gconv") || p.contains("/__pycache__/")
                || isStartupProbe(p, lower)) {
            return SYSTEM;
        }
        if (isSystemLibDir(p)) {
            return LIBRARY;
        }
        if (lower.endsWith(".log") || lower.contains(".log.") || p.contains("/log/") || p.contains("/logs/")
                || lower.equals("error_log") || lower.equals("access_log")) {
            return LOG;
        }
        if (lower.equals(".htaccess") || lower.equals(".user.ini") || lower.equals("httpd.conf")
                || lower.equals("apache2.conf") || lower.equals("php.ini") || lower.equals("envvars")) {
            return CONFIG;
        }
        String ext = extension(lower);
        if (ext != null) {
            if (CONFIG_EXT.contains(ext) || nearMissOf(ext, CONFIG_EXT) != null) {
                return CONFIG;
            }
            if (INCLUDE_EXT.contains(ext) || nearMissOf(ext, INCLUDE_EXT) != null) {
                return INCLUDE;
            }
        }
        if (p.startsWith("/etc/") || p.contains("/conf/") || p.contains("/conf.d/") || p.contains("sites-enabled/")
                || p.contains("mods-enabled/") || p.contains("conf-enabled/") || p.startsWith("conf/")) {
            return CONFIG;
        }
        return OTHER;
    }

    /**
     * Files that libc, NSS, PAM, libselinux and interpreters look for at start-up whether or not they exist: an
     * httpd child's getpwnam() for its User tries nss-systemd's /etc/userdb drop-ins, python tries pyvenv.cfg beside
     * its binary. Their ENOENT is routine, never a missing include.
     */
    private static boolean isStartupProbe(String p, String lowerBase) {
        return p.equals("/etc/userdb") || p.startsWith("/etc/userdb/") || p.equals("/etc/shadow") || p.equals("/etc/gshadow")
                || p.equals("/etc/default/nss") || p.equals("/etc/machine-id") || p.startsWith("/etc/selinux/")
                || p.startsWith("/etc/security/") || p.startsWith("/etc/pam.d/") || p.equals("/etc/krb5.conf")
                || p.startsWith("/etc/gnutls/") || p.startsWith("/etc/pki/") || p.startsWith("/etc/crypto-policies/")
                || p.equals("/etc/timezone") || lowerBase.equals("pyvenv.cfg");
    }

    /** True for the directories the dynamic loader searches, where ENOENT probes are routine. */
    public static boolean isSystemLibDir(String p) {
        return p.startsWith("/lib/") || p.startsWith("/lib64/") || p.startsWith("/usr/lib/")
                || p.startsWith("/usr/lib64/") || p.startsWith("/usr/local/lib/") || p.contains("/glibc-hwcaps/")
                || p.startsWith("/usr/libexec/");
    }

    public static String basename(String p) {
        int slash = p.lastIndexOf('/');
        return slash >= 0 ? p.substring(slash + 1) : p;
    }

    static String extension(String lowerBase) {
        if (lowerBase.startsWith(".") && lowerBase.indexOf('.', 1) < 0) {
            return lowerBase.substring(1);
        }
        int dot = lowerBase.lastIndexOf('.');
        return dot > 0 && dot < lowerBase.length() - 1 ? lowerBase.substring(dot + 1) : null;
    }

    /**
     * The known extension that {@code ext} is a typo of ("phpp" → "php", "conff" → "conf", "htacess" →
     * "htaccess"), or null. One inserted, deleted or changed letter counts as a near miss.
     */
    public static String nearMissOf(String ext, Set<String> known) {
        if (ext.length() < 3 || !known.contains(ext) && RegisteredExtensions.isRegistered(ext)) {
            return null; // a registered extension (html) is real, not a typo of a known one (phtml)
        }
        for (String k : known) {
            if (!k.equals(ext) && k.length() >= 3 && editDistanceAtMostOne(ext, k)) {
                return k;
            }
        }
        return null;
    }

    /** The extension this one is a typo of, among every config and include extension, or null. */
    public static String typoExtension(String path) {
        String ext = extension(basename(path).toLowerCase(Locale.ROOT));
        if (ext == null || CONFIG_EXT.contains(ext) || INCLUDE_EXT.contains(ext)) {
            return null;
        }
        String k = nearMissOf(ext, CONFIG_EXT);
        return k != null ? k : nearMissOf(ext, INCLUDE_EXT);
    }

    public static boolean editDistanceAtMostOne(String a, String b) {
        int la = a.length();
        int lb = b.length();
        if (Math.abs(la - lb) > 1) {
            return false;
        }
        int i = 0;
        int j = 0;
        boolean edited = false;
        while (i < la && j < lb) {
            if (a.charAt(i) == b.charAt(j)) {
                i++;
                j++;
                continue;
            }
            if (edited) {
                return false;
            }
            edited = true;
            if (la > lb) {
                i++;
            } else if (lb > la) {
                j++;
            } else {
                i++;
                j++;
            }
        }
        return !(edited && (i < la || j < lb));
    }
}
