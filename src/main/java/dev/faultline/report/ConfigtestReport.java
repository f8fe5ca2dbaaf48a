package dev.faultline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.httpd.configtest.Bisector;
import dev.faultline.httpd.configtest.ConfigTestResult;
import dev.faultline.httpd.configtest.ConfigtestVerdict;
import java.io.UncheckedIOException;

/** The report of {@code faultline configtest}, as text and as JSON (docs/json.md, "configtest"). */
public final class ConfigtestReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigtestReport() {
    }

    public static String text(ConfigtestVerdict v) {
        StringBuilder sb = new StringBuilder();
        ConfigTestResult t = v.test();
        sb.append("CONFIGTEST  ").append(Terminal.escape(v.config().toString())).append("  (ServerRoot ")
                .append(Terminal.escape(v.serverRoot().toString())).append(", apache2 -t on a private copy)\n");
        sb.append("  outcome: ").append(outcomeText(t)).append('\n');
        if (t.crash() != null) {
            TextReport.capture(sb, t.crash());
        }
        String out = v.output().strip();
        if (!out.isEmpty()) {
            for (String line : out.split("\n")) {
                sb.append("  apache2> ").append(Terminal.escape(line)).append('\n');
            }
        }
        Bisector.Result b = v.bisection();
        if (b != null) {
            if (v.culprit() != null) {
                sb.append("  culprit: ").append(Terminal.escape(v.culpritFile() + ":" + v.culprit().firstLine()))
                        .append("  ").append(Terminal.escape(v.culprit().text())).append('\n');
                sb.append("           commenting out this line alone makes apache2 -t exit 0\n");
            } else {
                sb.append("  culprit: not found").append(b.budgetExhausted() ? " (the run budget ran out)" : "").append('\n');
            }
            if (v.implicated() != null) {
                sb.append("  file:    ").append(Terminal.escape(v.implicated().toString()))
                        .append("  (emptying it alone makes apache2 -t exit 0)\n");
            }
            sb.append("  bisection: ").append(b.runs()).append(" runs (").append(b.fileRuns()).append(" with a file emptied, ")
                    .append(b.lineRuns()).append(" with a line commented out; ").append(b.otherFailures())
                    .append(" gave a different failure)\n");
        }
        sb.append("  runs of apache2: ").append(v.runs()).append(" in ").append(v.millis()).append(" ms\n");
        for (String n : v.notes()) {
            sb.append("  note: ").append(Terminal.escape(n)).append('\n');
        }
        return sb.toString();
    }

    private static String outcomeText(ConfigTestResult t) {
        switch (t.outcome()) {
            case OK: return "ok (apache2 -t exited 0)";
            case CRASHED: return "crashed: killed by " + t.signal()
                    + (t.crash() != null ? " (" + t.crash().siCode + " at 0x" + Long.toHexString(t.crash().faultAddress) + ")" : "");
            default: return "failed: " + (t.signal() != null ? "killed by " + t.signal() : "apache2 -t exited " + t.exitCode());
        }
    }

    public static String json(ConfigtestVerdict v) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("config", v.config().toString());
        o.put("server_root", v.serverRoot().toString());
        ConfigTestResult t = v.test();
        o.put("outcome", t.outcome().name().toLowerCase(java.util.Locale.ROOT));
        o.put("exit_status", t.exitCode());
        o.put("signal", t.signal());
        if (t.crash() != null) {
            o.set("crash", JsonReport.capture(t.crash()));
        } else {
            o.putNull("crash");
        }
        o.put("output", v.output());
        Bisector.Result b = v.bisection();
        if (b == null) {
            o.putNull("bisection");
        } else {
            ObjectNode bo = o.putObject("bisection");
            bo.put("runs", b.runs());
            bo.put("file_runs", b.fileRuns());
            bo.put("line_runs", b.lineRuns());
            bo.put("other_failures", b.otherFailures());
            bo.put("budget_exhausted", b.budgetExhausted());
            bo.put("implicated_file", v.implicated() == null ? null : v.implicated().toString());
            if (v.culprit() == null) {
                bo.putNull("culprit");
            } else {
                ObjectNode c = bo.putObject("culprit");
                c.put("file", v.culpritFile().toString());
                c.put("line", v.culprit().firstLine());
                c.put("last_line", v.culprit().lastLine());
                c.put("directive", v.culprit().name());
                c.put("text", v.culprit().text());
            }
        }
        o.put("runs", v.runs());
        o.put("millis", v.millis());
        v.notes().forEach(o.putArray("notes")::add);
        try {
            return MAPPER.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
