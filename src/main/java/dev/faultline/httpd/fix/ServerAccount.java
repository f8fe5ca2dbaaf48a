package dev.faultline.httpd.fix;

import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.config.ConfigFiles;
import dev.faultline.httpd.config.Envvars;
import java.util.Map;

/**
 * The account httpd's children run as (its {@code User} and {@code Group}): the one that must be able to read a file
 * the server was denied. Null when the configuration does not say.
 */
public record ServerAccount(String user, String group) {
    /** Debian's apache2ctl exports these from /etc/apache2/envvars; its apache2.conf names them as ${APACHE_RUN_USER}. */
    static final String DEBIAN_ENVVARS = "/etc/apache2/envvars";

    /** From the parsed configuration's server-level User/Group, with Debian's ${APACHE_RUN_*} taken from envvars. */
    public static ServerAccount of(HttpdContext ctx) {
        if (ctx == null || ctx.config == null || ctx.configGuessed) {
            return null;
        }
        String user = expand(ctx.user());
        String group = expand(ctx.group());
        return user == null && group == null ? null : new ServerAccount(user, group);
    }

    /** The account this machine's Debian apache2 runs as (its envvars), or null when there is no envvars. */
    public static ServerAccount debianDefault() {
        Map<String, String> env = Envvars.read(new ConfigFiles(null), DEBIAN_ENVVARS);
        String user = env.get("APACHE_RUN_USER");
        String group = env.get("APACHE_RUN_GROUP");
        return user == null ? null : new ServerAccount(user, group);
    }

    private static String expand(String value) {
        if (value == null || !value.startsWith("${") || !value.endsWith("}")) {
            return value == null || value.contains("${") ? null : value;
        }
        return Envvars.read(new ConfigFiles(null), DEBIAN_ENVVARS).get(value.substring(2, value.length() - 1));
    }
}
