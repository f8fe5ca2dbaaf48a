package dev.faultline.report;

import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import dev.faultline.httpd.check.Probe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code faultline check --format junit}: the JUnit XML that Maven Surefire writes and Jenkins' JUnit and xUnit
 * plugins read (src/test/resources/schemas/junit-10.xsd). One testsuite, one testcase per probe; a probe with
 * findings fails, a check that could not run is an error.
 */
public final class CheckJunit {
    private CheckJunit() {
    }

    public static String render(CheckResult r) {
        List<Case> cases = cases(r);
        long failures = cases.stream().filter(c -> !c.findings.isEmpty()).count();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"").append(attr("faultline check " + r.mainConfig()))
                .append("\" tests=\"").append(cases.size() + (r.couldNotRun() != null ? 1 : 0))
                .append("\" failures=\"").append(failures)
                .append("\" errors=\"").append(r.couldNotRun() != null ? 1 : 0)
                .append("\" skipped=\"0\" time=\"").append(seconds(r.elapsedMillis())).append("\">\n");
        sb.append("  <properties>\n");
        property(sb, "mainConfig", r.mainConfig());
        property(sb, "serverRoot", r.serverRoot());
        property(sb, "faultline.version", Tool.VERSION);
        sb.append("  </properties>\n");
        if (r.couldNotRun() != null) {
            sb.append("  <testcase classname=\"faultline.check\" name=\"check\" time=\"")
                    .append(seconds(r.elapsedMillis())).append("\">\n");
            sb.append("    <error message=\"").append(attr(r.couldNotRun())).append("\" type=\"could-not-run\">")
                    .append(text(r.couldNotRun())).append("</error>\n");
            sb.append("  </testcase>\n");
        }
        for (Case c : cases) {
            testcase(sb, c);
        }
        if (!r.notes().isEmpty()) {
            sb.append("  <system-out>");
            for (String n : r.notes()) {
                sb.append(text("note: " + n)).append('\n');
            }
            sb.append("</system-out>\n");
        }
        sb.append("</testsuite>\n");
        return sb.toString();
    }

    /** A testcase: a probe, or the name of a probe that findings name and the probe list lacks. */
    private record Case(String classname, String name, long millis, String out, List<Finding> findings) {
    }

    private static List<Case> cases(CheckResult r) {
        List<Case> cases = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        for (Probe p : r.probes()) {
            known.add(p.name());
            String out = "why: " + p.why() + "\nresult: " + p.result() + "\n";
            cases.add(new Case(classname(p.name()), p.name(), p.millis(), out, r.findingsOf(p)));
        }
        // A finding must never vanish from the counts because its probe is missing from the list.
        Set<String> orphans = new LinkedHashSet<>();
        r.findings().stream().map(Finding::probe).filter(n -> !known.contains(n)).forEach(orphans::add);
        for (String name : orphans) {
            cases.add(new Case(classname(name), String.valueOf(name), 0, null,
                    r.findings().stream().filter(f -> name == null ? f.probe() == null : name.equals(f.probe()))
                            .toList()));
        }
        return cases;
    }

    private static String classname(String probe) {
        if ("configtest".equals(probe) || "start".equals(probe)) {
            return "faultline.check." + probe;
        }
        return "faultline.check.request";
    }

    private static void testcase(StringBuilder sb, Case c) {
        sb.append("  <testcase classname=\"").append(c.classname).append("\" name=\"").append(attr(c.name))
                .append("\" time=\"").append(seconds(c.millis)).append("\">\n");
        if (!c.findings.isEmpty()) {
            Finding first = c.findings.get(0);
            String message = c.findings.size() == 1 ? first.message()
                    : c.findings.size() + " findings; first: " + first.message();
            sb.append("    <failure message=\"").append(attr(message)).append("\" type=\"")
                    .append(attr(first.kind() + "/" + first.verdict())).append("\">");
            for (Finding f : c.findings) {
                sb.append(text(body(f)));
            }
            sb.append("</failure>\n");
        }
        if (c.out != null) {
            sb.append("    <system-out>").append(text(c.out)).append("</system-out>\n");
        }
        sb.append("  </testcase>\n");
    }

    private static String body(Finding f) {
        StringBuilder b = new StringBuilder();
        String at = CheckRules.culprit(f);
        b.append(at != null ? at : "(no file to blame)").append(": ").append(f.kind()).append(": ")
                .append(f.message()).append('\n');
        b.append("  verdict: ").append(f.verdict()).append(", ").append(CheckRules.percent(f.confidence()))
                .append(" (rule ").append(CheckRules.ruleId(f)).append(")\n");
        if (f.directive() != null) {
            b.append("  directive: ").append(f.directive()).append('\n');
        }
        if (f.module() != null) {
            b.append("  module: ").append(f.module()).append('\n');
        }
        if (f.evidence() != null) {
            for (Finding.Evidence e : f.evidence()) {
                b.append("  ").append(e.location()).append(": ").append(e.text()).append('\n');
            }
        }
        if (f.fix() != null) {
            b.append("  fix:\n").append(f.fix());
            if (!f.fix().endsWith("\n")) {
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static void property(StringBuilder sb, String name, String value) {
        sb.append("    <property name=\"").append(name).append("\" value=\"").append(attr(value)).append("\"/>\n");
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, millis) / 1000.0);
    }

    /** Element content: markup escaped, characters XML 1.0 cannot carry at all shown as {@code \\uXXXX}. */
    static String text(String s) {
        return escape(s, false);
    }

    /** Attribute values (always double-quoted): as {@link #text}, and line breaks, tabs and quotes as references. */
    static String attr(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean attribute) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                case '\r' -> out.append("&#13;");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                default -> {
                    if (allowedInXml(cp)) {
                        out.appendCodePoint(cp);
                    } else {
                        out.append(String.format("\\u%04x", cp));
                    }
                }
            }
        }
        return out.toString();
    }

    /** XML 1.0's Char production; an unpaired surrogate arrives here as a lone code point in D800-DFFF. */
    private static boolean allowedInXml(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }
}
