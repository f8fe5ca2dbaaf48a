package dev.faultline.report;

/** Escaping shared by the configuration-management snippets: a line matched whole, as a regular expression. */
final class FixSnippets {
    private static final String REGEX_SPECIALS = "\\^$.|?*+()[]{}";

    private FixSnippets() {
    }

    /**
     * {@code ^line$} with every regex metacharacter escaped: the same text is a literal match in Ruby (Puppet's
     * file_line) and in Python (Ansible's lineinfile).
     */
    static String wholeLineRegex(String line) {
        StringBuilder sb = new StringBuilder("^");
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (REGEX_SPECIALS.indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('$').toString();
    }
}
