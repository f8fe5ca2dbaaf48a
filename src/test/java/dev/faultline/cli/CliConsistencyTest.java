package dev.faultline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Issue #9, item 3: the command line is consistent; every check runs the real CLI (dev.faultline.Cli). */
class CliConsistencyTest {

    /** Every command, as the real CLI declares it (help is picocli's own). */
    private static Map<String, CommandSpec> commands() {
        Map<String, CommandSpec> all = new LinkedHashMap<>();
        new CommandLine(new Main()).getSubcommands().forEach((name, cl) -> {
            if (!name.equals("help")) {
                all.put(name, cl.getCommandSpec());
            }
        });
        return all;
    }

    private static boolean wholeSentence(String s) {
        String t = s.strip();
        return !t.isEmpty() && (Character.isUpperCase(t.charAt(0)) || t.startsWith("faultline"))
                && (t.endsWith(".") || t.endsWith("?"));
    }

    @Test
    void topLevelHelpListsEveryCommandWithAWholeOneLineSummaryAndTheExitCodes() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.exit, r.err);
        String[] lines = r.out.split("\n");
        int i = Arrays.asList(lines).indexOf("Commands:");
        assertTrue(i > 0, r.out);
        Map<String, StringBuilder> summaries = new LinkedHashMap<>();
        String current = null;
        for (int j = i + 1; j < lines.length && !lines[j].isBlank(); j++) {
            if (lines[j].startsWith("  ") && !lines[j].startsWith("   ")) {
                String[] nameAndText = lines[j].strip().split("\\s+", 2);
                current = nameAndText[0];
                summaries.put(current, new StringBuilder(nameAndText[1]));
            } else {
                summaries.get(current).append(' ').append(lines[j].strip());
            }
        }
        for (String name : commands().keySet()) {
            assertNotNull(summaries.get(name), name + " is listed in: " + r.out);
            assertTrue(wholeSentence(summaries.get(name).toString()), name + "'s summary is a whole sentence: " + summaries.get(name));
        }
        assertTrue(summaries.containsKey("help"), "faultline help CMD is listed");
        assertTrue(r.out.contains("\n  130  ") && r.out.contains("\n  143  "), "130 and 143 are in the exit codes: " + r.out);
        assertTrue(r.out.contains("Examples:"), r.out);
    }

    @Test
    void everyCommandsHelpIsWholeSentencesWithExamplesThatParse() {
        for (Map.Entry<String, CommandSpec> e : commands().entrySet()) {
            String name = e.getKey();
            CommandSpec spec = e.getValue();
            Cli help = Cli.run(name, "--help");
            assertEquals(0, help.exit, name + ": " + help.err);
            assertEquals(help.out, Cli.run("help", name).out, "faultline help " + name + " is " + name + " --help");
            assertTrue(help.out.contains("\nExamples:\n  "), name + " shows examples: " + help.out);

            List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().header()));
            texts.addAll(Arrays.asList(spec.usageMessage().description()));
            for (OptionSpec o : spec.options()) {
                texts.add(String.join(" ", o.description()));
            }
            spec.positionalParameters().forEach(p -> texts.add(String.join(" ", p.description())));
            for (String t : texts) {
                assertTrue(wholeSentence(t), name + ": not a whole sentence: \"" + t + "\"");
            }

            // each example is a command line the real parser accepts
            for (String line : spec.usageMessage().footer()) {
                String cmd = line.strip();
                if (!cmd.startsWith("faultline ") && !cmd.startsWith("sudo faultline ")) {
                    continue;
                }
                List<String> args = new ArrayList<>(Arrays.asList(cmd.replaceFirst("^sudo ", "").replaceFirst(" >.*", "").split(" ")));
                args.remove(0);
                args.replaceAll(a -> a.equals("PID") ? "1234" : a); // the placeholder of a pid
                new CommandLine(new Main()).parseArgs(args.toArray(new String[0])); // throws on an unknown option
            }
        }
    }

    @Test
    void versionWorksOnEveryCommandAndVerboseAddsTheJnaKernelAndJavaDetails() {
        String git = VersionInfo.embedded().getProperty("git.describe");
        assertNotNull(git, "the build embedded dev/faultline/cli/version.properties");
        if (Files.isDirectory(Cli.repo().resolve(".git")) || Files.isRegularFile(Cli.repo().resolve(".git"))) {
            assertFalse(git.equals("unknown"), "built in a git checkout, so git describe is known");
        }
        List<String> every = new ArrayList<>(List.of(""));
        every.addAll(commands().keySet());
        for (String name : every) {
            List<String> args = new ArrayList<>(name.isEmpty() ? List.of() : List.of(name));
            args.add("--version");
            Cli v = Cli.run(args.toArray(new String[0]));
            assertEquals(0, v.exit, name + ": " + v.err);
            assertTrue(v.out.matches("faultline \\S+ \\(git " + java.util.regex.Pattern.quote(git) + "\\)\\R"), name + " --version: " + v.out);

            args.add("-v");
            Cli vv = Cli.run(args.toArray(new String[0]));
            assertEquals(0, vv.exit, name + ": " + vv.err);
            String[] lines = vv.out.split("\\R");
            assertEquals(4, lines.length, vv.out);
            assertTrue(lines[1].startsWith("JNA 5.") && lines[1].endsWith(", loaded)"), vv.out);
            assertTrue(lines[2].startsWith("kernel Linux " + System.getProperty("os.version")), vv.out);
            assertTrue(lines[3].startsWith("Java " + System.getProperty("java.runtime.version")), vv.out);
        }
    }

    @Test
    void aTypoGetsTheClosestNameAndTheRightHelpCommand() {
        Cli bogus = Cli.run("bogus");
        assertEquals(ExitCodes.USAGE, bogus.exit);
        assertFalse(bogus.err.contains("faultline faultline"), bogus.err);
        assertTrue(bogus.err.startsWith("faultline: 'bogus' is not a faultline command\n"), bogus.err);
        assertTrue(bogus.err.contains("Try 'faultline --help' for usage."), bogus.err);

        Cli analyse = Cli.run("analyse", "trace.txt");
        assertEquals(ExitCodes.USAGE, analyse.exit);
        assertTrue(analyse.err.contains("Did you mean: faultline analyze?"), analyse.err);

        Cli helpTypo = Cli.run("help", "analyse");
        assertEquals(ExitCodes.USAGE, helpTypo.exit);
        assertTrue(helpTypo.err.contains("Did you mean: faultline analyze?"), helpTypo.err);

        Cli colour = Cli.run("analyze", "--no-colour", "trace.txt");
        assertEquals(ExitCodes.USAGE, colour.exit);
        assertTrue(colour.err.contains("Unknown option: '--no-colour'"), colour.err);
        assertTrue(colour.err.matches("(?s).*Possible solutions: .*--no-color.*"), colour.err);
        assertTrue(colour.err.contains("Try 'faultline analyze --help' for usage."), colour.err);

        Cli log = Cli.run("run", "--strace-lgo", "x.log", "--", "true");
        assertTrue(log.err.matches("(?s).*Possible solutions: .*--strace-log.*"), log.err);
    }

    @Test
    void everyReportCommandTakesTheSameFormatColourAndOutputOptions(@TempDir Path tmp) throws Exception {
        Map<String, CommandSpec> all = commands();
        for (String name : List.of("analyze", "attach", "run", "core", "configtest", "check", "demo")) {
            CommandSpec spec = all.get(name);
            assertNotNull(spec.findOption("--format"), name + " --format");
            assertNotNull(spec.findOption("--no-color"), name + " --no-color");
            if (!name.equals("demo")) {
                OptionSpec o = spec.findOption("-o");
                assertNotNull(o, name + " -o");
                assertTrue(Arrays.asList(o.names()).contains("--output"), name + ": -o is --output");
                assertTrue(String.join(" ", o.description()).contains("report") || name.equals("check"), name + ": -o is the report");
            }
        }
        Path core = Cli.repo().resolve("fixtures/httpd/location-handler-prefork/core.zst");
        Cli plain = Cli.run("core", core.toString());
        Cli noColor = Cli.run("core", "--no-color", core.toString());
        assertEquals(ExitCodes.INCIDENTS_WITHOUT_CULPRIT, noColor.exit, noColor.err);
        assertEquals(plain.out, noColor.out);
        Path out = tmp.resolve("core.txt");
        assertEquals(ExitCodes.INCIDENTS_WITHOUT_CULPRIT, Cli.run("core", "--no-color", "-o", out.toString(), core.toString()).exit);
        assertEquals(plain.out, Files.readString(out));
    }

    /** -o /dev/null was attach's and run's habit for the strace log; now the report, it must not replace the device. */
    @Test
    void outputToAFifoOrDeviceIsWrittenIntoNotReplaced(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        Cli r = Cli.run("analyze", "--format", "json", "-o", fifo.toString(), Cli.repo().resolve("fixtures/http500/f_o.txt").toString());
        assertTrue(Cli.analyzed(r.exit), r.err);
        assertFalse(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the fifo is still a fifo");
        String report = read.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(new ObjectMapper().readTree(report).has("incidents"), report);
    }

    @Test
    void maxIncidentsHelpStatesTheDefaultsTheTracerApplies() {
        // the behaviour is pinned live by AttachCommandTest (a named crash: 1 incident) and ApacheAttachTest
        // (event MPM: the first crash names no file, the second does: 2 incidents)
        String attach = Cli.run("attach", "--help").out.replaceAll("\\s+", " ");
        assertTrue(attach.contains("attach stops at the first crash whose config file is named, else after the second crash"), attach);
        assertTrue(attach.contains("with --no-escalate it stops after the first crash, and with --mode full after the first crash or HTTP 5xx"), attach);
        String run = Cli.run("run", "--help").out.replaceAll("\\s+", " ");
        assertTrue(run.contains("by default (0) run follows the command until it exits"), run);
        assertFalse(run.contains("--max-crashes") || attach.contains("--max-crashes"), "the old name is hidden");
        // and the old name still works
        Cli old = Cli.run("attach", "--max-crashes", "-1", "1");
        assertEquals(ExitCodes.USAGE, old.exit);
        assertTrue(old.err.contains("--max-incidents must be 0 (no limit) or more"), old.err);
    }

    @Test
    void demoJsonIsOneJsonDocumentOnStdout() throws Exception {
        Cli r = Cli.run("demo", "--format", "json");
        assertEquals(0, r.exit, r.err);
        // the one-screen demo analyzes one recording: its report is the one document on stdout
        JsonNode report = new ObjectMapper().readTree(r.out);
        assertTrue(report.isObject() && report.get("incidents").size() > 0, r.out);
    }
}
