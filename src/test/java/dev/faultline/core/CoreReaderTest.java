package dev.faultline.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** `faultline core` on real cores of native/crashers/crashme: each crash kind, with eu-readelf as the notes oracle. */
class CoreReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode core(CrashCores.Crash c) throws IOException {
        Cli r = Cli.run("core", c.core().toString(), "--format", "json");
        assertTrue(Cli.analyzed(r.exit), () -> "faultline core " + c.mode() + ": " + r.err);
        return JSON.readTree(r.out).get("core");
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String describe(JsonNode core) {
        StringBuilder b = new StringBuilder("\n").append(core.get("fault")).append('\n').append(core.get("culprit")).append('\n');
        for (JsonNode f : core.get("backtrace")) {
            b.append("  ").append(f.get("trust").asText()).append(' ').append(f.get("function").asText()).append(' ')
                    .append(f.get("module").asText()).append('\n');
        }
        return b.toString();
    }

    /** signal, fault address, crashing tid and culprit module+function for every kind of crash. */
    @ParameterizedTest
    @ValueSource(strings = {"deadbeef", "nullmember", "thread3of5", "inlib", "libc-from-lib", "abort", "stackoverflow",
        "reraise", "reraise-mt", "reraise-mt-linger"})
    void reportsTheCrashAsTheProgramDescribedIt(String mode) throws Exception {
        assertDescribedAsTheProgramSaid(CrashCores.get(mode));
    }

    /**
     * gdb's gcore puts the notes last and writes one NT_SIGINFO per thread (SIGSTOP for all but the signalled one):
     * its core of the same crash gets the same verdict and the same signature as the kernel's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"deadbeef", "thread3of5", "inlib", "abort", "reraise-mt"})
    void aGcoreCoreGetsTheKernelCoresVerdict(String mode) throws Exception {
        CrashCores.Crash gcore = CrashCores.get(mode, "a", "gdb");
        assertTrue(gcore.how().contains("gdb gcore"), gcore.how());
        JsonNode core = assertDescribedAsTheProgramSaid(gcore);
        assertEquals(core(CrashCores.get(mode)).get("signature").get("hash").asText(),
                core.get("signature").get("hash").asText());
    }

    /** Runs `faultline core` on {@code c}, checks it against crashme's own description, returns the core's JSON. */
    private static JsonNode assertDescribedAsTheProgramSaid(CrashCores.Crash c) throws Exception {
        String mode = c.mode();
        JsonNode core = core(c);
        String why = describe(core);
        boolean abort = mode.equals("abort");
        assertEquals(abort ? "SIGABRT" : "SIGSEGV", core.get("signal").get("name").asText(), why);
        assertEquals(c.pid(), core.get("process").get("pid").asInt(), why);
        assertEquals(c.tid(), core.get("crashing_thread").get("tid").asInt(), why);
        if (c.addr() != null && !mode.equals("stackoverflow")) {
            assertEquals(hex(c.addr()), core.get("fault").get("address").asText(), why);
        }
        String module = mode.equals("inlib") || mode.equals("libc-from-lib") ? "libcrashlib.so" : "crashme";
        assertEquals(module, core.get("culprit").get("module").asText(), why);
        assertEquals(c.func(), core.get("culprit").get("function").asText(), why);
        String kind = switch (mode) {
            case "nullmember", "inlib", "libc-from-lib" -> "null-pointer";
            case "abort" -> "assert";
            case "stackoverflow" -> "stack-overflow";
            default -> "wild-pointer";
        };
        if (!mode.equals("libc-from-lib") || c.addr() != null && c.addr() < 0x10000) {
            assertEquals(kind, core.get("fault").get("class").asText(), why);
        }
        if (mode.startsWith("reraise")) {
            assertEquals("SI_USER", core.get("signal").get("code_name").asText(), why);
            assertEquals("sigframe", core.get("fault").get("source").asText(), why);
            assertEquals("write", core.get("fault").get("access").asText(), why);
        } else if (!abort) {
            assertEquals("siginfo", core.get("fault").get("source").asText(), why);
        }
        if (mode.equals("libc-from-lib")) {
            assertTrue(core.get("backtrace").get(0).get("module").asText().startsWith("libc.so"), why);
        }
        assertEquals("context", core.get("backtrace").get(0).get("trust").asText(), why);
        for (JsonNode m : core.get("modules")) {
            if (m.get("path").asText().endsWith("/crashme")) {
                assertEquals("match", m.get("disk").asText(), "crashme's build-id in the core and on disk");
            }
        }
        return core;
    }

    @Test
    void threadThreeOfFiveIsNamedAmongSixThreads() throws Exception {
        JsonNode core = core(CrashCores.get("thread3of5"));
        assertEquals(6, core.get("threads").size());
        int crashing = 0;
        for (JsonNode t : core.get("threads")) {
            if (t.get("crashing").asBoolean()) {
                crashing++;
                assertEquals("user code", t.get("state").asText());
            } else {
                assertTrue(t.get("state").asText().startsWith("in syscall "), t.toString());
            }
        }
        assertEquals(1, crashing);
    }

    /** The same crash under two ASLR layouts has one signature; a different crash site has another. */
    @Test
    void signatureIsStableAcrossRunsAndDiffersAcrossCrashes() throws Exception {
        JsonNode a = core(CrashCores.get("deadbeef", "a"));
        JsonNode b = core(CrashCores.get("deadbeef", "b"));
        assertNotEquals(a.get("backtrace").get(0).get("pc").asText(), b.get("backtrace").get(0).get("pc").asText(),
                "ASLR should move the code between runs");
        assertEquals(a.get("signature").get("hash").asText(), b.get("signature").get("hash").asText());
        for (String other : new String[] {"nullmember", "inlib", "reraise"}) {
            assertNotEquals(a.get("signature").get("hash").asText(), core(CrashCores.get(other)).get("signature").get("hash").asText(), other);
        }
        JsonNode r1 = core(CrashCores.get("reraise-mt", "a"));
        JsonNode r2 = core(CrashCores.get("reraise-mt", "b"));
        assertEquals(r1.get("signature").get("hash").asText(), r2.get("signature").get("hash").asText());
    }

    /**
     * httpd's re-raise in a threaded server: the handler is still running, so another thread takes the signal and
     * dumps. The crashing thread is the one holding the kernel's signal frame, and the signature is the same as
     * when the crashing thread dumps itself.
     */
    @Test
    void anInnocentDumpingThreadIsNotBlamed() throws Exception {
        CrashCores.Crash c = CrashCores.get("reraise-mt-linger");
        JsonNode core = core(c);
        assertNotEquals(c.tid(), core.get("threads").get(0).get("tid").asInt(), "another thread dumped first");
        assertEquals(c.tid(), core.get("crashing_thread").get("tid").asInt());
        assertTrue(core.get("crashing_thread").get("reason").asText().contains("not the dumping thread"));
        assertEquals(core(CrashCores.get("reraise-mt")).get("signature").get("hash").asText(),
                core.get("signature").get("hash").asText());
    }

    /** Every note faultline reads agrees with elfutils' eu-readelf -n. */
    @ParameterizedTest
    @CsvSource({"deadbeef,auto", "thread3of5,auto", "reraise-mt,auto", "thread3of5,gdb", "reraise-mt,gdb"})
    void notesAgreeWithEuReadelf(String mode, String method) throws Exception {
        CrashCores.Crash c = CrashCores.get(mode, "a", method);
        String text = euReadelf(c);
        try (CoreFile core = CoreFile.open(c.core(), Map.of(), false)) {
            List<Integer> tids = new ArrayList<>();
            List<Long> rips = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)^\\s+pid: (\\d+), ppid: (\\d+), pgrp").matcher(text);
            while (m.find()) {
                tids.add(Integer.parseInt(m.group(1)));
            }
            Matcher rip = Pattern.compile("rip:\\s+0x([0-9a-f]+)").matcher(text);
            while (rip.find()) {
                rips.add(Long.parseUnsignedLong(rip.group(1), 16));
            }
            List<Integer> threadTids = new ArrayList<>();
            for (CoreThread t : core.threads()) {
                threadTids.add(t.tid());
            }
            assertEquals(tids, threadTids);
            List<Long> ourRips = new ArrayList<>();
            for (CoreThread t : core.threads()) {
                ourRips.add(t.registers().pc());
            }
            assertEquals(rips, ourRips);
            // The first SIGINFO note is the one that names the signal (gcore writes one per thread)
            Matcher firstSiginfo = Pattern.compile("(?m)^  CORE +\\d+  SIGINFO\\n((?:    .*\\n)+)").matcher(text);
            assertTrue(firstSiginfo.find(), "eu-readelf shows a SIGINFO note");
            String siginfo = firstSiginfo.group(1);
            Matcher si = Pattern.compile("si_signo: (\\d+), si_errno: (\\d+), si_code: (-?\\d+)").matcher(siginfo);
            assertTrue(si.find(), siginfo);
            assertEquals(Integer.parseInt(si.group(1)), core.signal().signo());
            assertEquals(Integer.parseInt(si.group(3)), core.signal().code());
            Matcher fault = Pattern.compile("fault address: 0x([0-9a-f]+)").matcher(siginfo);
            if (fault.find()) {
                assertEquals(Long.parseUnsignedLong(fault.group(1), 16), core.signal().addr());
            }
            Matcher sender = Pattern.compile("sender PID: (\\d+), sender UID: (\\d+)").matcher(siginfo);
            if (sender.find()) {
                assertEquals(Integer.parseInt(sender.group(1)), core.signal().senderPid());
            }
            Matcher files = Pattern.compile("(?m)^\\s+(\\d+) files:").matcher(text);
            assertTrue(files.find());
            assertEquals(Integer.parseInt(files.group(1)), core.files().size());
            Matcher entry = Pattern.compile("(?m)^\\s+([0-9a-f]+)-([0-9a-f]+) ([0-9a-f]+) \\d+\\s+(\\S.*)$").matcher(text);
            int i = 0;
            while (entry.find()) {
                FileMapping f = core.files().get(i++);
                assertEquals(Long.parseUnsignedLong(entry.group(1), 16), f.start());
                assertEquals(Long.parseUnsignedLong(entry.group(2), 16), f.end());
                assertEquals(Long.parseUnsignedLong(entry.group(3), 16), f.fileOffset());
                assertEquals(entry.group(4).strip(), f.path());
            }
            assertEquals(core.files().size(), i);
            // eu-readelf wraps psargs onto its own line when the pair is long (gcore cores carry gdb's whole run line)
            Matcher fname = Pattern.compile("fname: ([^,\\s]+),?\\s+psargs: (.*)").matcher(text);
            assertTrue(fname.find());
            assertEquals(fname.group(1), core.process().fname());
            assertEquals(fname.group(2).strip(), core.process().psargs());
            Matcher execfn = Pattern.compile("EXECFN: 0x([0-9a-f]+)").matcher(text);
            assertTrue(execfn.find());
            assertEquals(Long.parseUnsignedLong(execfn.group(1), 16), core.auxv().get(CoreFile.AT_EXECFN));
            assertTrue(core.execFn().endsWith("crashme"), core.execFn());
            assertTrue(core.executable().endsWith("/crashme"), core.executable());
        }
    }

    private static String euReadelf(CrashCores.Crash c) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("eu-readelf", "-n", c.core().toString()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Assumptions.abort("eu-readelf (elfutils) is not installed: scripts/test.sh installs it");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
