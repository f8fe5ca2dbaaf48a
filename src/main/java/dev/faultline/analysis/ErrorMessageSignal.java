package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import java.util.List;
import java.util.Map;

/** Signal 1: the server's own error message names the file (httpd.errorlog.ErrorMessages), in the log writes the trace shows. */
final class ErrorMessageSignal implements ScoringSignal {
    private final ScoringContext ctx;

    ErrorMessageSignal(ScoringContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        errorMessages(inc, window, cands);
    }

    private void errorMessages(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        for (FileActivity a : window) {
            if (a.kind != FileActivity.Kind.WRITE_LOG || a.data == null) {
                continue;
            }
            for (dev.faultline.httpd.errorlog.ErrorMessages.Named n : dev.faultline.httpd.errorlog.ErrorMessages.parse(a.data)) {
                Candidate c = match(cands, n.path, inc.cwd);
                Integer line = n.line;
                if (line == null && n.directive != null) {
                    line = directiveLine(window, c.path, n.directive, inc.cwd);
                }
                c.add(new Evidence("error-message", Weights.ERROR_MESSAGE, "the server's own error message names it: " + n.what
                        + (line != null ? " (line " + line + ")" : "")).line(a.source, a.firstLine, a.firstText));
                if (line != null) {
                    c.line = line;
                    if (c.directive == null && n.directive != null) {
                        c.directive = n.directive; // "Invalid command 'X'": the directive on that line, for the fix
                    }
                }
                if (n.missing) {
                    c.missingInclude = true;
                }
                if (n.permission) {
                    c.permission = true;
                    if (n.includer != null) {
                        c.includer = n.includer;
                    }
                }
                if (n.code) {
                    c.code = true;
                    c.codeMessage = n.what;
                }
            }
        }
    }

    private static Candidate match(Map<String, Candidate> cands, String named, String cwd) {
        for (Candidate c : cands.values()) {
            if (c.path.equals(named) || c.path.endsWith("/" + named) || named.endsWith("/" + c.path)) {
                return c;
            }
        }
        String path = named;
        if (!named.startsWith("/") && cwd != null) {
            path = cwd + "/" + named;
            for (Candidate c : cands.values()) {
                if (c.path.equals(path)) {
                    return c;
                }
            }
        }
        return cands.computeIfAbsent(named, Candidate::new);
    }

    /** The line where a directive appears in a file, from the trace's buffer or the file itself. */
    private Integer directiveLine(List<FileActivity> window, String path, String directive, String cwd) {
        String content = null;
        for (int i = window.size() - 1; i >= 0 && content == null; i--) {
            FileActivity a = window.get(i);
            if (a.file != null && path.equals(a.path)) {
                content = a.file.partialContent();
            }
        }
        Integer line = content == null ? null : directiveLineIn(content, directive);
        if (line == null) {
            String disk = ctx.files.read(path, cwd);
            line = disk == null ? null : directiveLineIn(disk, directive);
        }
        return line;
    }

    static Integer directiveLineIn(String content, String directive) {
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].trim();
            if (t.regionMatches(true, 0, directive, 0, directive.length())
                    && (t.length() == directive.length() || Character.isWhitespace(t.charAt(directive.length())))) {
                return i + 1;
            }
        }
        return null;
    }
}
