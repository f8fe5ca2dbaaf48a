package dev.faultline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import dev.faultline.httpd.check.Probe;
import java.util.Locale;

/** {@code faultline check --format json}: the contract of docs/json.md, "CHECK". */
public final class CheckJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckJson() {
    }

    public static String render(CheckResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", Tool.NAME);
        root.put("version", Tool.VERSION);
        root.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        root.put("could_not_run", r.couldNotRun());
        root.put("main_config", r.mainConfig());
        root.put("server_root", r.serverRoot());
        root.put("elapsed_millis", r.elapsedMillis());
        ArrayNode probes = root.putArray("probes");
        for (Probe p : r.probes()) {
            ObjectNode o = probes.addObject();
            o.put("name", p.name());
            o.put("why", p.why());
            if (p.status() >= 0) {
                o.put("status", p.status());
            } else {
                o.putNull("status");
            }
            o.put("result", p.result());
            o.put("millis", p.millis());
            o.put("findings", r.findingsOf(p).size());
        }
        ArrayNode findings = root.putArray("findings");
        for (Finding f : r.findings()) {
            findings.add(finding(f));
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode finding(Finding f) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("probe", f.probe());
        o.put("kind", f.kind());
        o.put("verdict", f.verdict());
        o.put("rule", CheckRules.ruleId(f));
        o.put("file", f.file());
        if (f.hasCulprit()) {
            o.put("line", f.line());
        } else {
            o.putNull("line");
        }
        o.put("directive", f.directive());
        o.put("module", f.module());
        o.put("message", f.message());
        o.put("confidence", f.confidence());
        ArrayNode evidence = o.putArray("evidence");
        if (f.evidence() != null) {
            for (Finding.Evidence e : f.evidence()) {
                evidence.addObject().put("location", e.location()).put("text", e.text());
            }
        }
        o.put("fix", f.fix());
        return o;
    }
}
