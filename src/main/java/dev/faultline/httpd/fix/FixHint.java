package dev.faultline.httpd.fix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An exact fix for one verdict: either an edit of one line of one file, or (for a file the server was denied) the
 * mode and group it needs.
 *
 * @param kind        what kind of change it is
 * @param path        the file as the server names it (absolute)
 * @param local       where it was read on this machine (the path itself, or its copy under --root)
 * @param line        the 1-based line edited; 0 for a permission change
 * @param oldLine     the line as it is now (no line terminator); null for a permission change
 * @param newLine     the line it becomes (no terminator), or null to delete it; null for a permission change
 * @param access      for {@link Kind#PERMISSION}: what to change; else null
 * @param explanation one sentence: what the change does and why it is the fix
 * @param module      the module involved (httpd's identifier, {@code faultdemo_module}), or null
 */
public record FixHint(Kind kind, String path, Path local, int line, String oldLine, String newLine, Access access,
        String explanation, String module) {

    public enum Kind {
        /** a misspelled directive becomes the one a loaded module registers; its arguments stay */
        RENAME_DIRECTIVE,
        /** a path to a missing file becomes the existing file it was meant to be */
        REPLACE_PATH,
        /** the line is commented out (a directive that crashes its module, a setting naming a file that is gone) */
        COMMENT_OUT,
        /** the file's group and mode change so that the server's account may read it */
        PERMISSION;

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /**
     * A permission change: {@code chown owner:group} (either may be null: left as it is) and a symbolic
     * {@code chmod} mode ({@code g+r}) that chmod, Puppet and Ansible all accept.
     */
    public record Access(String owner, String group, String mode) {
    }

    /** For a permission fix, the shell command that makes it: {@code chgrp www-data F && chmod g+r F}; else null. */
    public String shellCommand() {
        if (access == null) {
            return null;
        }
        Access a = access;
        String who = a.owner() != null ? "chown " + a.owner() + (a.group() == null ? "" : ":" + a.group()) + " " + path + " && "
                : a.group() != null ? "chgrp " + a.group() + " " + path + " && " : "";
        return who + "chmod " + a.mode() + " " + path;
    }

    public boolean isEdit() {
        return kind != Kind.PERMISSION;
    }

    /**
     * The file's content with this edit made, or null when line {@link #line} is not {@link #oldLine} any more (the
     * file changed since the analysis). Every other byte, and the edited line's terminator, stays as it was.
     */
    public String apply(String content) {
        List<String> lines = splitKeepingTerminators(content);
        if (!isEdit() || line < 1 || line > lines.size()) {
            return null;
        }
        String whole = lines.get(line - 1);
        String terminator = terminatorOf(whole);
        if (!whole.substring(0, whole.length() - terminator.length()).equals(oldLine)) {
            return null;
        }
        lines.set(line - 1, newLine == null ? "" : newLine + terminator);
        return String.join("", lines);
    }

    /** The lines of {@code content}, each with its own terminator ({@code \n}, or {@code \r\n}; the last may have none). */
    public static List<String> splitKeepingTerminators(String content) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) == '\n') {
                out.add(content.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < content.length()) {
            out.add(content.substring(start));
        }
        return out;
    }

    /** The terminator a line of {@link #splitKeepingTerminators} ends with: {@code "\r\n"}, {@code "\n"} or {@code ""}. */
    public static String terminatorOf(String line) {
        return line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
    }
}
