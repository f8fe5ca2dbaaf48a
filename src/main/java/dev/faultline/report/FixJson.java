package dev.faultline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.httpd.fix.FixHint;
import java.nio.file.Path;
import java.util.Locale;

/** The {@code fix} object of an incident in the JSON report (docs/json.md), and back: {@code faultline fix --from}. */
public final class FixJson {
    private FixJson() {
    }

    /** Null (a JSON null) when there is no hint. */
    public static JsonNode of(FixHint h) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (h == null) {
            return f.nullNode();
        }
        ObjectNode o = f.objectNode();
        o.put("kind", h.kind().label());
        o.put("path", h.path());
        o.put("local", h.local() == null ? null : h.local().toString());
        if (h.isEdit()) {
            o.put("line", h.line());
        } else {
            o.putNull("line");
        }
        o.put("old", h.oldLine());
        o.put("new", h.newLine());
        if (h.access() == null) {
            o.putNull("access");
        } else {
            ObjectNode a = o.putObject("access");
            a.put("owner", h.access().owner());
            a.put("group", h.access().group());
            a.put("mode", h.access().mode());
        }
        o.put("module", h.module());
        o.put("explanation", h.explanation());
        o.put("diff", FixDiff.render(h));
        return o;
    }

    /** The top-level {@code server} object: the configuration a fix is tested against ({@code faultline fix --from}). */
    public static JsonNode server(String configFile, String serverRoot) {
        if (configFile == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("config", configFile);
        o.put("server_root", serverRoot);
        return o;
    }

    /** The hint a {@code fix} object describes; null for a JSON null or an object that is not one. */
    public static FixHint from(JsonNode o) {
        if (o == null || !o.isObject() || !o.path("kind").isTextual() || !o.path("path").isTextual()) {
            return null;
        }
        FixHint.Kind kind;
        try {
            kind = FixHint.Kind.valueOf(o.get("kind").asText().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
        FixHint.Access access = null;
        JsonNode a = o.path("access");
        if (a.isObject()) {
            access = new FixHint.Access(text(a, "owner"), text(a, "group"), text(a, "mode"));
        }
        String path = o.get("path").asText();
        // a server path, absolute and plain: a report's path never steers a write outside the file it names
        if (!path.startsWith("/") || path.indexOf('\0') >= 0 || !Path.of(path).normalize().toString().equals(path)) {
            return null;
        }
        String local = text(o, "local");
        Path localPath;
        try {
            localPath = local == null ? null : Path.of(local);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        FixHint h = new FixHint(kind, path, localPath, o.path("line").asInt(0),
                text(o, "old"), text(o, "new"), access, text(o, "explanation"), text(o, "module"));
        boolean whole = h.isEdit() ? h.line() > 0 && h.oldLine() != null : access != null && access.mode() != null;
        return whole ? h : null;
    }

    /** Every incident's fix of a JSON report, in order, nulls left out. */
    public static java.util.List<FixHint> fromReport(String json) throws java.io.IOException {
        java.util.List<FixHint> out = new java.util.ArrayList<>();
        for (JsonNode inc : new ObjectMapper().readTree(json).path("incidents")) {
            FixHint h = from(inc.get("fix"));
            if (h != null && !out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
