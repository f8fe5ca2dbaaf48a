package dev.faultline.analysis;

import dev.faultline.model.FileActivity;
import dev.faultline.model.PathClass;
import java.util.List;
import java.util.Map;

/** A core whose backtrace is in httpd's config parsing: the last file of that kind the thread read. */
final class CoreConfigPhaseSignal implements ScoringSignal {

    @Override
    public void score(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        if (inc.kind == Incident.Kind.CRASH && inc.core != null) {
            coreConfigPhase(inc, window, cands);
        }
    }

    /**
     * The core's backtrace says which phase of httpd crashed. During ap_parse_htaccess the file being parsed is
     * the last .htaccess-like file the thread read; during ap_read_config, the last config file. The culprit
     * module (the innermost frame outside libc, APR and httpd) names the directive's owner in the reason.
     */
    private static void coreConfigPhase(Incident inc, List<FileActivity> window, Map<String, Candidate> cands) {
        String phase = inc.core.phase();
        if (!"htaccess".equals(phase) && !"config-load".equals(phase)) {
            return;
        }
        for (int i = window.size() - 1; i >= 0; i--) {
            FileActivity a = window.get(i);
            if (a.kind != FileActivity.Kind.READ || a.file == null || a.file.pathClass != PathClass.CONFIG) {
                continue;
            }
            boolean htaccess = a.path.endsWith("/.htaccess") || a.path.contains("/.ht");
            if ("htaccess".equals(phase) && !htaccess) {
                continue;
            }
            String culprit = inc.core.culprit().module() == null ? "an unknown module"
                    : inc.core.culprit().module() + (inc.core.culprit().function() != null ? " " + inc.core.culprit().function() : "");
            cands.computeIfAbsent(a.path, Candidate::new).add(new Evidence("core-config-phase", Weights.CORE_CONFIG_PHASE,
                    "the core shows the crash in " + culprit + " while httpd parsed "
                            + ("htaccess".equals(phase) ? "an .htaccess file (ap_parse_htaccess)" : "its configuration (ap_read_config)")
                            + ", and this is the last such file the thread read"));
            return;
        }
    }
}
