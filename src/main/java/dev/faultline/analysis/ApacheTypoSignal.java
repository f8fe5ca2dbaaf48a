package dev.faultline.analysis;

import dev.faultline.httpd.modules.DirectiveCatalog;
import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** httpd knowledge: a misspelled directive in a .htaccess or .conf the thread read (no loaded module registers it). */
final class ApacheTypoSignal implements ScoringSignal {
    private final ScoringContext ctx;

    ApacheTypoSignal(ScoringContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        apacheTypos(inc, window, cands);
    }

    private void apacheTypos(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        Map<String, Boolean> done = new HashMap<>();
        for (FileActivity a : window) {
            if (a.kind != FileActivity.Kind.READ || a.file == null || done.putIfAbsent(a.path, Boolean.TRUE) != null) {
                continue;
            }
            String base = PathClass.basename(a.path).toLowerCase(Locale.ROOT);
            if (!base.equals(".htaccess") && !base.endsWith(".conf")) {
                continue;
            }
            Candidate c = cands.get(a.path);
            if (c != null && c.has("error-message")) {
                continue;
            }
            String content = a.file.content();
            if (content == null) {
                content = ctx.files.read(a.path, inc.cwd);
            }
            DirectiveCatalog.Typo typo = content == null ? null : ctx.catalog().findTypo(content);
            if (typo == null) {
                continue;
            }
            c = cands.computeIfAbsent(a.path, Candidate::new);
            c.add(new Evidence("invalid-directive", Weights.INVALID_DIRECTIVE, "line " + typo.line() + " uses '" + typo.written()
                    + "', which no loaded module registers; did you mean '" + typo.meant() + "'?").line(a.source, a.firstLine, a.firstText));
            if (c.line == null) {
                c.line = typo.line();
            }
            if (c.line == typo.line() && c.directive == null) {
                c.directive = typo.written();
                c.meant = typo.meant();
            }
        }
    }
}
