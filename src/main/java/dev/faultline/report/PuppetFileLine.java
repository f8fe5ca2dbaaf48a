package dev.faultline.report;

import dev.faultline.httpd.fix.FixHint;

/**
 * A fix as a Puppet resource: stdlib's {@code file_line} for an edit (it replaces the one line its {@code match}
 * finds, and never appends when none does), or a {@code file} resource with the group and mode for a permission fix.
 */
public final class PuppetFileLine {
    private PuppetFileLine() {
    }

    /** For the hint's own (server) path. */
    public static String render(FixHint hint) {
        return render(hint, hint.path());
    }

    /** @param path the file the resource manages (a copy's path, to try it with {@code puppet apply --noop}) */
    public static String render(FixHint hint, String path) {
        StringBuilder sb = new StringBuilder();
        sb.append("# faultline: ").append(oneLine(hint.explanation())).append('\n');
        if (!hint.isEdit()) {
            FixHint.Access a = hint.access();
            sb.append("file { ").append(quote(path)).append(":\n");
            if (a.owner() != null) {
                sb.append("  owner => ").append(quote(a.owner())).append(",\n");
            }
            if (a.group() != null) {
                sb.append("  group => ").append(quote(a.group())).append(",\n");
            }
            sb.append("  mode  => ").append(quote(a.mode())).append(",\n");
            return sb.append("}\n").toString();
        }
        sb.append("# file_line is in puppetlabs-stdlib (Debian: puppet-module-puppetlabs-stdlib)\n");
        sb.append("file_line { ").append(quote("faultline " + hint.path() + ":" + hint.line())).append(":\n");
        sb.append("  ensure             => ").append(hint.newLine() == null ? "absent" : "present").append(",\n");
        sb.append("  path               => ").append(quote(path)).append(",\n");
        sb.append("  line               => ").append(quote(hint.newLine() == null ? hint.oldLine() : hint.newLine())).append(",\n");
        sb.append("  match              => ").append(quote(FixSnippets.wholeLineRegex(hint.oldLine()))).append(",\n");
        if (hint.newLine() == null) {
            sb.append("  match_for_absence  => true,\n");
        } else {
            sb.append("  append_on_no_match => false,\n");
        }
        return sb.append("}\n").toString();
    }

    /** A Puppet single-quoted string: only {@code \\} and {@code \'} are escapes there. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
