package dev.faultline.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faultline.analysis.Candidate;
import dev.faultline.analysis.Evidence;
import dev.faultline.analysis.Incident;
import dev.faultline.analysis.Verdict;
import dev.faultline.model.CrashCapture;
import dev.faultline.trace.ParseStats;
import java.util.Map;

/** The JSON contract of docs/json.md. Field names are stable; new fields may be added. */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(Report r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", Tool.NAME);
        root.put("version", Tool.VERSION);
        ArrayNode traces = root.putArray("traces");
        r.traces.forEach(traces::add);
        ArrayNode incidents = root.putArray("incidents");
        for (Incident inc : r.incidents) {
            incidents.add(incident(inc));
        }
        root.put("incidents_dropped", r.droppedIncidents);
        root.set("parse", parse(r.stats));
        ArrayNode warnings = root.putArray("warnings");
        r.warnings.forEach(warnings::add);
        ArrayNode hints = root.putArray("hints");
        r.hints.forEach(hints::add);
        root.set("access_log", r.accessLog == null ? null : accessLog(r.accessLog));
        root.set("server", FixJson.server(r.configFile, r.serverRoot));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode accessLog(dev.faultline.analysis.AccessLogImpact a) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode files = o.putArray("files");
        a.sources().forEach(files::add);
        if (a.window() == null) {
            o.putNull("window");
        } else {
            ObjectNode w = o.putObject("window");
            w.put("from", a.window().from() == null ? null : a.window().from().toString());
            w.put("to", a.window().to() == null ? null : a.window().to().toString());
        }
        o.put("requests", a.requests());
        o.put("outside_window", a.outside());
        ObjectNode by = o.putObject("failures_by_status");
        a.failuresByStatus().forEach((k, v) -> by.put(Integer.toString(k), v));
        ArrayNode worst = o.putArray("worst");
        a.worst(10).forEach(i -> worst.add(impact(i)));
        o.put("untracked_failures", a.untracked());
        return o;
    }

    private static ObjectNode impact(dev.faultline.analysis.AccessLogImpact.Impact i) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("request", i.request());
        o.put("errors", i.errors());
        ObjectNode by = o.putObject("by_status");
        new java.util.TreeMap<>(i.byStatus()).forEach((k, v) -> by.put(Integer.toString(k), v));
        o.put("first", i.first() == null ? null : i.first().toString());
        o.put("last", i.last() == null ? null : i.last().toString());
        return o;
    }

    static ObjectNode incident(Incident inc) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("kind", inc.kind.label());
        o.put("from_error_log", inc.fromErrorLog);
        o.put("pid", inc.pid);
        o.put("tid", inc.tid);
        if (inc.kind == Incident.Kind.CRASH) {
            o.put("signal", inc.signal);
            if (inc.siginfo != null) {
                ObjectNode si = o.putObject("siginfo");
                for (Map.Entry<String, String> e : inc.siginfo.entrySet()) {
                    si.put(e.getKey(), e.getValue());
                }
            }
            o.put("outcome", inc.outcome);
            if (!inc.stack.isEmpty()) {
                ArrayNode st = o.putArray("stack");
                inc.stack.forEach(st::add);
            }
        } else {
            o.put("status", inc.status);
        }
        o.put("request", inc.requestLine);
        o.set("impact", inc.impact == null ? null : impact(inc.impact));
        if (inc.backend == null) {
            o.putNull("fastcgi");
        } else {
            ObjectNode f = o.putObject("fastcgi");
            f.put("address", inc.backend.address());
            f.put("script", inc.backend.script());
            if (inc.backend.workerPid() > 0) {
                f.put("worker_pid", inc.backend.workerPid());
                f.put("worker_tid", inc.backend.workerTid());
                f.put("linked_by", inc.backend.linkedBy());
            } else {
                f.putNull("worker_pid");
                f.putNull("worker_tid");
                f.putNull("linked_by");
            }
        }
        ObjectNode anchor = o.putObject("anchor");
        anchor.put("source", inc.source);
        anchor.put("line", inc.line);
        anchor.put("text", inc.text);
        ArrayNode notes = o.putArray("notes");
        inc.notes.forEach(notes::add);
        ArrayNode related = o.putArray("related");
        for (Evidence.LogLine l : inc.related) {
            related.add(logLine(l));
        }
        if (inc.capture != null) {
            o.set("capture", capture(inc.capture));
        }
        if (inc.core != null) {
            o.set("core", CoreJson.core(inc.core));
        }
        o.set("verdict", verdict(inc.verdict));
        o.set("fix", FixJson.of(inc.fix));
        return o;
    }

    /** Live crash metadata from the signal-delivery-stop (attach/run only). */
    static ObjectNode capture(CrashCapture c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("signal", c.signal);
        o.put("si_code", c.siCode);
        o.put("kernel_generated", c.kernelGenerated);
        o.put("fault_address", hex(c.faultAddress));
        ObjectNode pc = o.putObject("pc");
        Long rip = c.register("rip");
        pc.put("address", rip == null ? null : hex(rip));
        pc.put("module", c.pcModule);
        pc.put("module_offset", c.pcModule == null ? null : hex(c.pcModuleOffset));
        ObjectNode regs = o.putObject("registers");
        c.registers.forEach((k, v) -> regs.put(k, hex(v)));
        ArrayNode threads = o.putArray("threads");
        c.threads.forEach(threads::add);
        ArrayNode cmd = o.putArray("cmdline");
        c.cmdline.forEach(cmd::add);
        o.put("cwd", c.cwd);
        o.put("exe", c.exe);
        o.put("crash_module", c.crashModule);
        if (c.configDirective == null) {
            o.putNull("config_directive");
        } else {
            ObjectNode d = o.putObject("config_directive");
            d.put("name", c.configDirective.name());
            d.put("args", c.configDirective.args());
            d.put("file", c.configDirective.file());
            d.put("line", c.configDirective.line());
            d.put("module", c.configDirective.module());
        }
        ArrayNode fds = o.putArray("fds");
        for (CrashCapture.Fd fd : c.fds) {
            ObjectNode f = fds.addObject();
            f.put("fd", fd.fd());
            f.put("path", fd.path());
            f.put("pos", fd.pos());
            f.put("size", fd.size());
        }
        ArrayNode notes = o.putArray("notes");
        c.notes.forEach(notes::add);
        return o;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static ObjectNode verdict(Verdict v) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("class", v.kind.label());
        o.put("confidence", v.confidence);
        o.put("reason", v.reason);
        o.put("phase", v.phase == null ? null : v.phase.label);
        o.put("module", v.module);
        o.put("function", v.function);
        o.put("directive", v.directive);
        if (v.culprit == null) {
            o.putNull("culprit");
        } else {
            ObjectNode c = o.putObject("culprit");
            c.put("path", v.culprit.path);
            if (v.culprit.line == null) {
                c.putNull("line");
            } else {
                c.put("line", v.culprit.line);
            }
            c.put("reason", v.reason);
            if (v.culprit.names != null) {
                c.put("names_missing", v.culprit.names);
            }
            if (v.culprit.includer != null) {
                c.put("includer", v.culprit.includer);
            }
        }
        ArrayNode cands = o.putArray("candidates");
        for (Candidate cand : v.candidates) {
            ObjectNode c = cands.addObject();
            c.put("path", cand.path);
            if (cand.line == null) {
                c.putNull("line");
            } else {
                c.put("line", cand.line);
            }
            c.put("score", cand.score);
            if (cand.directive != null) {
                c.put("directive", cand.directive);
            }
            ArrayNode ev = c.putArray("evidence");
            for (Evidence e : cand.evidence) {
                ObjectNode x = ev.addObject();
                x.put("signal", e.signal);
                x.put("weight", e.weight);
                x.put("reason", e.reason);
                ArrayNode log = x.putArray("log");
                for (Evidence.LogLine l : e.log) {
                    log.add(logLine(l));
                }
            }
        }
        return o;
    }

    static ObjectNode logLine(Evidence.LogLine l) {
        ObjectNode x = MAPPER.createObjectNode();
        x.put("source", l.source);
        x.put("line", l.line);
        x.put("text", l.text);
        return x;
    }

    static ObjectNode parse(ParseStats s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("lines", s.lines);
        o.put("calls", s.syscalls);
        o.put("signals", s.signals);
        o.put("exits", s.exits);
        o.put("joined", s.resumed - s.orphanResumes);
        o.put("orphan_resumes", s.orphanResumes);
        o.put("strace_messages", s.straceMessages);
        o.put("stack_frames", s.stackFrames);
        o.put("skipped_summary_lines", s.summaryLines);
        o.put("skipped_hex_dump_lines", s.hexDumpLines);
        o.put("oversized_lines", s.oversizedLines);
        o.put("unknown_lines", s.unknownLines);
        ArrayNode samples = o.putArray("unknown_samples");
        s.unknownSamples.forEach(samples::add);
        if (s.truncatedLastLine > 0) {
            o.put("truncated_last_line", s.truncatedLastLine);
        }
        if (!s.cutCompressedSources.isEmpty()) {
            ArrayNode cut = o.putArray("cut_gzip");
            s.cutCompressedSources.forEach(cut::add);
        }
        return o;
    }
}
