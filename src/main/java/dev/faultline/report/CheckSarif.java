package dev.faultline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.httpd.check.CheckResult;
import dev.faultline.httpd.check.Finding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code faultline check --format sarif}: a SARIF 2.1.0 log (src/test/resources/schemas/sarif-schema-2.1.0.json)
 * for code-scanning tools, which annotate the culprit line of each finding. One run; one rule per kind and
 * verdict; one result per finding, located at its culprit when it has one.
 */
public final class CheckSarif {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckSarif() {
    }

    public static String render(CheckResult r) {
        ObjectNode log = MAPPER.createObjectNode();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();

        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", Tool.NAME);
        driver.put("version", Tool.VERSION);
        driver.put("informationUri", Tool.INFORMATION_URI);
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        ArrayNode rules = driver.putArray("rules");
        for (Finding f : r.findings()) {
            String id = CheckRules.ruleId(f);
            if (!ruleIndex.containsKey(id)) {
                ruleIndex.put(id, ruleIndex.size());
                rules.add(rule(id, f));
            }
        }

        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", r.couldNotRun() == null);
        ArrayNode notifications = invocation.putArray("toolExecutionNotifications");
        if (r.couldNotRun() != null) {
            notification(notifications, "error", "the check could not run: " + r.couldNotRun());
        }
        for (String n : r.notes()) {
            notification(notifications, "warning", n);
        }

        ArrayNode results = run.putArray("results");
        for (Finding f : r.findings()) {
            results.add(result(f, ruleIndex.get(CheckRules.ruleId(f)), r.mainConfig()));
        }
        ObjectNode props = run.putObject("properties");
        props.put("mainConfig", r.mainConfig());
        props.put("serverRoot", r.serverRoot());
        props.put("probes", r.probes().size());
        props.put("elapsedMillis", r.elapsedMillis());
        try {
            return MAPPER.writeValueAsString(log) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode rule(String id, Finding f) {
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("id", id);
        rule.putObject("shortDescription").put("text",
                CheckRules.kindText(f.kind()) + "; " + CheckRules.verdictText(f.verdict()));
        rule.putObject("help").put("text", CheckRules.help(f.verdict()));
        rule.putObject("defaultConfiguration").put("level", "error");
        return rule;
    }

    private static void notification(ArrayNode notifications, String level, String text) {
        ObjectNode n = notifications.addObject();
        n.putObject("message").put("text", text);
        n.put("level", level);
    }

    private static ObjectNode result(Finding f, int ruleIndex, String mainConfig) {
        ObjectNode res = MAPPER.createObjectNode();
        res.put("ruleId", CheckRules.ruleId(f));
        res.put("ruleIndex", ruleIndex);
        res.put("level", "error");
        StringBuilder text = new StringBuilder(f.message() != null ? f.message() : CheckRules.kindText(f.kind()));
        if (f.directive() != null) {
            text.append(" (directive ").append(f.directive()).append(')');
        }
        if (f.module() != null) {
            text.append(" (module ").append(f.module()).append(')');
        }
        text.append(" [probe ").append(f.probe()).append("]");
        res.putObject("message").put("text", text.toString());
        if (f.hasCulprit()) {
            ObjectNode physical = res.putArray("locations").addObject().putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", uri(f.file()));
            ObjectNode region = physical.putObject("region");
            region.put("startLine", f.line());
            String quoted = CheckRules.culpritText(f);
            if (quoted != null) {
                region.putObject("snippet").put("text", quoted);
            }
            relatedInSameFile(res, f);
        } else {
            // a whole file (a permission problem), or no file at all: still one location, at the file or the main
            // config without a region (GitHub's upload refuses a result without any location)
            ObjectNode physical = res.putArray("locations").addObject().putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", uri(f.file() != null ? f.file() : mainConfig));
        }
        ObjectNode props = res.putObject("properties");
        props.put("probe", f.probe());
        props.put("kind", f.kind());
        props.put("verdict", f.verdict());
        props.put("confidence", f.confidence());
        ArrayNode evidence = props.putArray("evidence");
        if (f.evidence() != null) {
            for (Finding.Evidence e : f.evidence()) {
                evidence.addObject().put("location", e.location()).put("text", e.text());
            }
        }
        if (f.fix() != null) {
            props.put("fix", f.fix());
            fixes(res, f);
        }
        return res;
    }

    /** The fix diff as SARIF replacements of whole lines, when it reads as one (else it stays in properties). */
    private static void fixes(ObjectNode res, Finding f) {
        List<DiffReplacements.FileChange> changes = DiffReplacements.parse(f.fix());
        if (changes == null) {
            return;
        }
        ObjectNode fix = res.putArray("fixes").addObject();
        fix.putObject("description").put("text", "the fix faultline proposes for " + CheckRules.ruleId(f));
        ArrayNode artifactChanges = fix.putArray("artifactChanges");
        for (DiffReplacements.FileChange change : changes) {
            ObjectNode ac = artifactChanges.addObject();
            ac.putObject("artifactLocation").put("uri", uri(change.path()));
            ArrayNode replacements = ac.putArray("replacements");
            for (DiffReplacements.Replacement r : change.replacements()) {
                ObjectNode rep = replacements.addObject();
                // from column 1 of the first line to column 1 of the line after the last: whole lines with their
                // line ends; an empty region (a pure insertion) when nothing is deleted
                rep.putObject("deletedRegion").put("startLine", r.startLine()).put("startColumn", 1)
                        .put("endLine", r.startLine() + r.deletedLines()).put("endColumn", 1);
                if (!r.inserted().isEmpty()) {
                    rep.putObject("insertedContent").put("text", r.inserted());
                }
            }
        }
    }

    /** Evidence on other lines of the culprit's own file (the enclosing {@code <Location>}) as related locations. */
    private static void relatedInSameFile(ObjectNode res, Finding f) {
        if (f.evidence() == null) {
            return;
        }
        ArrayNode related = null;
        String prefix = f.file() + ":";
        for (Finding.Evidence e : f.evidence()) {
            String loc = e.location();
            if (loc == null || !loc.startsWith(prefix) || !loc.substring(prefix.length()).matches("[1-9][0-9]{0,8}")) {
                continue;
            }
            int line = Integer.parseInt(loc.substring(prefix.length()));
            if (line == f.line()) {
                continue;
            }
            if (related == null) {
                related = res.putArray("relatedLocations");
            }
            ObjectNode rl = related.addObject();
            rl.put("id", related.size() - 1);
            ObjectNode physical = rl.putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", uri(f.file()));
            physical.putObject("region").put("startLine", line);
            rl.putObject("message").put("text", e.text() == null ? "" : e.text());
        }
    }

    /**
     * A repository path as a URI reference: forward slashes, every byte outside RFC 3986's unreserved set
     * percent-encoded (so a ':' in the first segment cannot read as a scheme). An absolute path stays absolute
     * as a {@code file://} URI rather than pretending to be relative to the repository.
     */
    static String uri(String path) {
        String p = path.replace('\\', '/');
        StringBuilder out = new StringBuilder(p.startsWith("/") ? "file://" : "");
        for (byte b : p.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
