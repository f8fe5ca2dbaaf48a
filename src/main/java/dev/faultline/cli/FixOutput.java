package dev.faultline.cli;

import dev.faultline.analysis.FileSource;
import dev.faultline.analysis.FixHints;
import dev.faultline.analysis.Incident;
import dev.faultline.httpd.HttpdContext;
import dev.faultline.httpd.fix.FixHint;
import dev.faultline.httpd.fix.ServerAccount;
import dev.faultline.report.AnsibleLineInFile;
import dev.faultline.report.FixDiff;
import dev.faultline.report.PuppetFileLine;
import dev.faultline.report.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** analyze's fix hints: found for each incident, and printed alone with --fix-format. */
final class FixOutput {
    static final List<String> FORMATS = List.of("diff", "puppet", "ansible");

    private FixOutput() {
    }

    static void checkFormat(String format) {
        if (format != null && !FORMATS.contains(format)) {
            throw new UserError(ExitCodes.USAGE, "--fix-format must be diff, puppet or ansible, not " + format);
        }
    }

    /** Each incident's hint; the server account from the configuration the analysis read, else Debian's default. */
    static void attach(Report report, Path root, HttpdContext ctx) {
        ServerAccount account = ServerAccount.of(ctx);
        if (account == null) {
            account = ServerAccount.debianDefault();
        }
        FileSource files = new FileSource(root);
        for (Incident inc : report.incidents) {
            inc.fix = FixHints.of(inc, files, account).orElse(null);
        }
        if (ctx != null && ctx.config != null) {
            // a config only guessed (no command line named it) is still where a fix is tested, but the analysis
            // does not claim it: configFile stays as the analysis set it when it named one
            if (report.configFile == null) {
                report.configFile = ctx.config.mainFile();
            }
            report.serverRoot = ctx.config.serverRoot();
        }
    }

    /** The distinct hints of the report, in incident order (a 500 storm gives one fix, not one per request). */
    static List<FixHint> distinct(Report report) {
        List<FixHint> out = new ArrayList<>();
        for (Incident inc : report.incidents) {
            if (inc.fix != null && !out.contains(inc.fix)) {
                out.add(inc.fix);
            }
        }
        return out;
    }

    static String render(Report report, String format) {
        StringBuilder sb = new StringBuilder();
        List<FixHint> hints = distinct(report);
        if (hints.isEmpty()) {
            System.err.println("faultline: no fix: no incident has a fix hint (none is known for its verdict, or the evidence is too weak)");
        }
        for (FixHint h : hints) {
            switch (format) {
                case "diff" -> {
                    String d = FixDiff.render(h);
                    if (d != null) {
                        sb.append(d);
                    } else if (!h.isEdit()) {
                        // a mode is no diff: said on stderr, so that stdout stays a patch
                        System.err.println("faultline: the fix for " + h.path() + " is a permission change, not an edit: "
                                + (h.access().group() != null ? "chgrp " + h.access().group() + " " + h.path() + " && " : "")
                                + "chmod " + h.access().mode() + " " + h.path() + " (--fix-format puppet or ansible gives it as a resource)");
                    }
                }
                case "puppet" -> sb.append(sb.length() > 0 ? "\n" : "").append(PuppetFileLine.render(h));
                default -> sb.append(sb.length() > 0 ? "\n" : "---\n").append(AnsibleLineInFile.render(h));
            }
        }
        return sb.toString();
    }
}
