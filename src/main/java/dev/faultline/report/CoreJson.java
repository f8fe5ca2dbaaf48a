package dev.faultline.report;

import static dev.faultline.report.JsonReport.hex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.core.CoreReport;
import dev.faultline.core.Frame;

/** The "core" object of docs/json.md: `faultline core --format json`, and `core` inside an analyze incident. */
public final class CoreJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CoreJson() {
    }

    public static String render(CoreReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", Tool.NAME);
        root.put("version", Tool.VERSION);
        root.set("core", core(r));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode core(CoreReport r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("file", r.file());
        o.put("compression", r.compression());
        o.put("arch", r.arch());
        ObjectNode p = o.putObject("process");
        p.put("pid", r.process().pid());
        p.put("ppid", r.process().ppid());
        p.put("uid", r.process().uid());
        p.put("name", r.process().name());
        p.put("args", r.process().args());
        p.put("executable", r.process().executable());
        p.put("execfn", r.process().execFn());
        ObjectNode s = o.putObject("signal");
        s.put("number", r.signal().number());
        s.put("name", r.signal().name());
        s.put("code", r.signal().code());
        s.put("code_name", r.signal().codeName());
        s.put("address", r.signal().address() == null ? null : hex(r.signal().address()));
        s.put("sender_pid", r.signal().senderPid());
        s.put("sender_uid", r.signal().senderUid());
        ObjectNode f = o.putObject("fault");
        f.put("class", r.fault().kind());
        f.put("description", r.fault().description());
        f.put("address", r.fault().address() == null ? null : hex(r.fault().address()));
        f.put("access", r.fault().access());
        f.put("pc", hex(r.fault().pc()));
        f.put("signal", r.fault().signal());
        f.put("source", r.fault().source());
        f.put("sigframe", r.fault().sigframeAddress() == null ? null : hex(r.fault().sigframeAddress()));
        ObjectNode ct = o.putObject("crashing_thread");
        ct.put("tid", r.crashingTid());
        ct.put("reason", r.crashingThreadReason());
        ArrayNode threads = o.putArray("threads");
        for (CoreReport.ThreadSummary t : r.threads()) {
            ObjectNode tn = threads.addObject();
            tn.put("index", t.index());
            tn.put("tid", t.tid());
            tn.put("crashing", t.crashing());
            tn.put("state", t.state());
            tn.put("pc", hex(t.pc()));
            tn.put("where", t.where());
        }
        ArrayNode bt = o.putArray("backtrace");
        for (Frame fr : r.backtrace()) {
            ObjectNode fn = bt.addObject();
            fn.put("index", fr.index());
            fn.put("pc", hex(fr.pc()));
            fn.put("trust", fr.trust().label());
            fn.put("module", fr.module());
            fn.put("module_offset", fr.module() == null ? null : hex(fr.moduleOffset()));
            fn.put("function", fr.function());
            fn.put("function_offset", fr.function() == null ? null : hex(fr.functionOffset()));
        }
        ObjectNode c = o.putObject("culprit");
        c.put("module", r.culprit().module());
        c.put("function", r.culprit().function());
        c.put("path", r.culprit().path());
        o.put("phase", r.phase());
        o.set("httpd", httpd(r.httpd()));
        ArrayNode mods = o.putArray("modules");
        for (CoreReport.ModuleSummary m : r.modules()) {
            ObjectNode mn = mods.addObject();
            mn.put("path", m.path());
            mn.put("base", hex(m.base()));
            mn.put("end", hex(m.end()));
            mn.put("build_id", m.buildId());
            mn.put("disk_build_id", m.diskBuildId());
            mn.put("disk", m.diskState());
            mn.put("symbols", m.symbols());
        }
        ObjectNode sig = o.putObject("signature");
        sig.put("hash", r.signature().hash());
        sig.put("text", r.signature().text());
        ArrayNode notes = o.putArray("notes");
        r.notes().forEach(notes::add);
        ArrayNode warnings = o.putArray("warnings");
        r.warnings().forEach(warnings::add);
        return o;
    }

    /** httpd's own memory in the core: the directive being run, the pc's module, the config tree's size; null otherwise. */
    private static JsonNode httpd(CoreReport.Httpd h) {
        if (h == null) {
            return NullNode.getInstance();
        }
        ObjectNode o = MAPPER.createObjectNode();
        if (h.directive() == null) {
            o.putNull("directive");
        } else {
            ObjectNode d = o.putObject("directive");
            d.put("name", h.directive());
            d.put("args", h.args());
            d.put("file", h.file());
            d.put("line", h.line());
            d.put("module", h.directiveModule());
        }
        o.put("crash_module", h.crashModule());
        o.put("config_nodes", h.configNodes());
        ArrayNode problems = o.putArray("problems");
        h.problems().forEach(problems::add);
        return o;
    }
}
