package dev.faultline.report;

import dev.faultline.httpd.fix.FixHint;

/**
 * A fix as an Ansible task: {@code lineinfile} for an edit (with {@code backrefs: yes}, so that a file whose line
 * no longer matches is left alone rather than getting the line appended), {@code file} for a permission fix.
 */
public final class AnsibleLineInFile {
    private AnsibleLineInFile() {
    }

    public static String render(FixHint hint) {
        return render(hint, hint.path());
    }

    /** @param path the file the task manages */
    public static String render(FixHint hint, String path) {
        StringBuilder sb = new StringBuilder();
        sb.append("- name: ").append(quote("faultline: " + hint.explanation())).append('\n');
        if (!hint.isEdit()) {
            FixHint.Access a = hint.access();
            sb.append("  ansible.builtin.file:\n");
            sb.append("    path: ").append(quote(path)).append('\n');
            if (a.owner() != null) {
                sb.append("    owner: ").append(quote(a.owner())).append('\n');
            }
            if (a.group() != null) {
                sb.append("    group: ").append(quote(a.group())).append('\n');
            }
            sb.append("    mode: ").append(quote(a.mode())).append('\n');
            return sb.toString();
        }
        sb.append("  ansible.builtin.lineinfile:\n");
        sb.append("    path: ").append(quote(path)).append('\n');
        sb.append("    regexp: ").append(quote(FixSnippets.wholeLineRegex(hint.oldLine()))).append('\n');
        if (hint.newLine() == null) {
            sb.append("    state: absent\n");
        } else {
            // with backrefs the line is a replacement template: a literal backslash is written \\
            sb.append("    line: ").append(quote(hint.newLine().replace("\\", "\\\\"))).append('\n');
            sb.append("    backrefs: yes\n");
        }
        sb.append("    backup: yes\n");
        return sb.toString();
    }

    /** A YAML double-quoted scalar: backslash, quote and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
