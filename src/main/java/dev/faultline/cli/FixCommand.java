package dev.faultline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.httpd.configtest.CandidateCheck;
import dev.faultline.httpd.configtest.ConfigTestResult;
import dev.faultline.httpd.fix.FixHint;
import dev.faultline.report.FixJson;
import dev.faultline.report.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fix", mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        header = "Apply the fix hints of an analysis, after checking the fixed file.",
        description = {"Apply the fix hints of an analysis: from a JSON report (--from REPORT.json), or by running analyze with the same arguments.",
            "Each edited file is checked first: apache2 -t on a private copy of the configuration (a .htaccess as the body of its <Directory>), or php -l for PHP.",
            "Then it is written into a copy under -o DIR (the default), or over the file with --in-place after a backup (FILE.orig).",
            "Exits 72 when there is no fix, and 75 when the fixed file fails its check (nothing is written then)."},
        footerHeading = "%nExamples:%n",
        footer = {"  faultline fix --from report.json",
            "      Write fixed copies under ./faultline-fix.",
            "  sudo faultline fix --in-place trace.txt",
            "      Analyze trace.txt, then fix the files themselves after a backup."})
public final class FixCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    Verbosity verbosity;

    @Option(names = "--from", paramLabel = "REPORT.json", description = "The JSON report of an earlier analyze --format json.")
    Path from;

    @Option(names = "--in-place", description = "Edit the file itself (after a backup) instead of writing a copy.")
    boolean inPlace;

    @Option(names = "--backup-suffix", paramLabel = "SUFFIX", defaultValue = ".orig",
            description = "With --in-place: the backup is FILE plus this (default ${DEFAULT-VALUE}); an existing backup is never overwritten.")
    String backupSuffix;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = "faultline-fix",
            description = "Without --in-place: the fixed copy goes to DIR/<the file's server path> (default ./${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--root", paramLabel = "DIR", description = "A copy of the server's files, as for analyze (with --from: default from the report).")
    Path root;

    @Option(names = "--config", paramLabel = "FILE", description = "The server's main config file, as for analyze (with --from: default from the report).")
    String config;

    @Option(names = "--apache2", paramLabel = "BIN", defaultValue = "/usr/sbin/apache2", description = "The httpd binary for the check (default ${DEFAULT-VALUE}).")
    Path apache2;

    @Option(names = "--envvars", paramLabel = "FILE", defaultValue = "/etc/apache2/envvars",
            description = "Sourced before apache2 -t, as apache2ctl does (default ${DEFAULT-VALUE}; skipped if missing).")
    Path envvars;

    @CommandLine.Unmatched
    List<String> analyzeArgs = new ArrayList<>();

    /** What the check runs against: the configuration as the server names it, and where its files are here. */
    private record Server(String configFile, String serverRoot, Path root) {
    }

    @Override
    public Integer call() throws Exception {
        if (backupSuffix.isEmpty() || backupSuffix.contains("/")) {
            throw new UserError(ExitCodes.USAGE, "--backup-suffix must be a non-empty name suffix, not '" + backupSuffix + "'");
        }
        List<FixHint> hints;
        Server server;
        if (from != null) {
            if (!analyzeArgs.isEmpty()) {
                throw new UserError(ExitCodes.USAGE, "give --from REPORT.json or analyze's arguments, not both");
            }
            String json;
            try {
                json = Files.readString(from, StandardCharsets.UTF_8);
                hints = FixJson.fromReport(json);
            } catch (IOException e) {
                throw new UserError(Files.exists(from) ? ExitCodes.IO_ERROR : ExitCodes.NOT_FOUND, "--from " + from + ": " + e.getMessage());
            }
            JsonNode s = new ObjectMapper().readTree(json).path("server");
            String cfg = config != null ? config : s.path("config").isTextual() ? s.get("config").asText() : null;
            server = new Server(cfg, s.path("server_root").isTextual() ? s.get("server_root").asText() : null,
                    root != null ? root : rootOf(hints));
        } else {
            AnalyzeCommand analyze = new AnalyzeCommand();
            List<String> args = new ArrayList<>(analyzeArgs);
            if (root != null) {
                args.addAll(0, List.of("--root", root.toString()));
            }
            if (config != null) {
                args.addAll(0, List.of("--config", config));
            }
            try {
                new CommandLine(analyze).parseArgs(args.toArray(new String[0]));
            } catch (CommandLine.ParameterException e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage());
            }
            Report report = analyze.report();
            hints = FixOutput.distinct(report);
            server = new Server(report.configFile, report.serverRoot, root);
        }
        if (hints.isEmpty()) {
            throw new UserError(ExitCodes.NO_FIX, "no fix: no incident has a fix hint (none is known for its verdict, or the evidence is too weak)");
        }
        for (FixHint h : hints) {
            apply(h, server);
        }
        return ExitCodes.OK;
    }

    private void apply(FixHint h, Server server) throws IOException {
        Path local = localOf(h, server.root());
        if (local == null || !Files.isRegularFile(local)) {
            throw new UserError(ExitCodes.NOT_FOUND, h.path() + ": not found" + (server.root() == null ? "" : " under " + server.root()));
        }
        String check;
        String edited = null;
        if (h.isEdit()) {
            edited = h.apply(Files.readString(local, StandardCharsets.UTF_8));
            if (edited == null) {
                throw new UserError(ExitCodes.NO_FIX, "no fix: " + h.path() + " line " + h.line() + " is no longer '" + h.oldLine()
                        + "' (the file changed since the analysis)");
            }
            check = check(h, edited, server);
        } else {
            check = "a permission change: no configuration is edited";
        }
        Path target;
        if (inPlace) {
            target = local;
            Path backup = local.resolveSibling(local.getFileName() + backupSuffix);
            if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "the backup " + backup + " exists already: not overwritten (give --backup-suffix)");
            }
            try {
                Files.copy(local, backup, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot back up " + local + " to " + backup + ": " + e.getMessage());
            }
            System.out.println("faultline: backup " + backup);
        } else {
            target = outputDir.resolve(h.path().replaceFirst("^/+", ""));
            try {
                Files.createDirectories(target.getParent());
                Files.copy(local, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + target + ": " + e.getMessage());
            }
        }
        try {
            if (h.isEdit()) {
                // written over the same inode: its owner and mode stay the file's own
                Files.writeString(target, edited, StandardCharsets.UTF_8);
            } else {
                changeAccess(target, h.access());
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new UserError(ExitCodes.OUTPUT_ERROR, "cannot write " + target + ": " + e.getMessage());
        }
        System.out.println("faultline: fixed " + target + (h.isEdit() ? " line " + h.line() : "") + ": " + h.explanation() + " [" + check + "]");
    }

    /** The --root the report's analysis used: where a hint's file was read, less its server path (null: the live tree). */
    private static Path rootOf(List<FixHint> hints) {
        for (FixHint h : hints) {
            String local = h.local() == null ? null : h.local().toString();
            if (local != null && !local.equals(h.path()) && local.endsWith(h.path())) {
                String r = local.substring(0, local.length() - h.path().length());
                return Path.of(r.isEmpty() ? "." : r);
            }
        }
        return null;
    }

    /** Where the hint's file is here: under --root, else where the analysis read it, else the server path itself. */
    private static Path localOf(FixHint h, Path root) {
        if (root != null) {
            return root.resolve(h.path().replaceFirst("^/+", ""));
        }
        return h.local() != null ? h.local() : Path.of(h.path());
    }

    /** apache2 -t on a private copy with the edit (php -l for PHP); a failure refuses the fix. Returns what passed. */
    private String check(FixHint h, String edited, Server server) throws IOException {
        if (h.path().endsWith(".php")) {
            return phpLint(h, edited);
        }
        if (server.configFile() == null || server.serverRoot() == null) {
            throw new UserError(ExitCodes.FIX_REJECTED, "cannot check the fix: the server's configuration is unknown (give --config FILE)");
        }
        if (!Files.isExecutable(apache2)) {
            throw new UserError(ExitCodes.NOT_FOUND, apache2 + ": no such executable, so the fix cannot be checked (give --apache2 BIN)");
        }
        Path filesRoot = server.root() == null ? Path.of(server.serverRoot())
                : server.root().resolve(server.serverRoot().replaceFirst("^/+", ""));
        if (!Files.isDirectory(filesRoot)) {
            throw new UserError(ExitCodes.NOT_FOUND, "ServerRoot " + filesRoot + ": no such directory, so the fix cannot be checked");
        }
        ConfigTestResult r = CandidateCheck.withContent(filesRoot.toRealPath(), server.serverRoot(), server.configFile(), apache2,
                Files.isReadable(envvars) ? envvars : null, List.of(), h.path(), edited);
        if (r.outcome() != ConfigTestResult.Outcome.OK) {
            // httpd's syntax error is two lines: "AH00526: Syntax error on line N of FILE:" and the message
            String first = String.join(" ", r.output().lines().filter(l -> !l.isBlank() && !l.contains("AH00558")).limit(2).toList());
            first = first.isEmpty() ? "exit " + r.exitCode() : first;
            throw new UserError(ExitCodes.FIX_REJECTED, "not fixed: apache2 -t on a copy with the fix "
                    + (r.outcome() == ConfigTestResult.Outcome.CRASHED ? "still crashes (" + r.signal() + ")" : "fails: " + first));
        }
        return "apache2 -t on a copy with the fix: Syntax OK";
    }

    private static String phpLint(FixHint h, String edited) throws IOException {
        Path php = Path.of("/usr/bin/php");
        if (!Files.isExecutable(php)) {
            throw new UserError(ExitCodes.FIX_REJECTED, "cannot check the fix of " + h.path() + ": no php to run php -l");
        }
        Path tmp = Files.createTempFile("faultline-fix-", ".php");
        try {
            Files.writeString(tmp, edited, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(php.toString(), "-n", "-l", tmp.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new UserError(ExitCodes.FIX_REJECTED, "not fixed: php -l on the fixed " + h.path() + " fails: "
                        + out.replace(tmp.toString(), h.path()).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(ExitCodes.FIX_REJECTED, "interrupted while checking the fix");
        } finally {
            Files.deleteIfExists(tmp);
        }
        return "php -l: no syntax errors";
    }

    /** chown/chgrp, then a symbolic chmod ({@code g+r}, {@code u+r}: who, '+', what). */
    static void changeAccess(Path f, FixHint.Access a) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(f, PosixFileAttributeView.class);
        var lookup = f.getFileSystem().getUserPrincipalLookupService();
        if (a.owner() != null) {
            UserPrincipal owner = lookup.lookupPrincipalByName(a.owner());
            view.setOwner(owner);
        }
        if (a.group() != null) {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(a.group());
            view.setGroup(group);
        }
        Set<PosixFilePermission> perms = EnumSet.copyOf(view.readAttributes().permissions());
        int plus = a.mode().indexOf('+');
        if (plus < 0) {
            throw new IOException("mode " + a.mode() + " is not who+what");
        }
        for (char who : a.mode().substring(0, plus).toCharArray()) {
            for (char what : a.mode().substring(plus + 1).toCharArray()) {
                perms.add(PosixFilePermission.valueOf((who == 'u' ? "OWNER" : who == 'g' ? "GROUP" : "OTHERS") + "_"
                        + (what == 'r' ? "READ" : what == 'w' ? "WRITE" : "EXECUTE")));
            }
        }
        view.setPermissions(perms);
    }
}
