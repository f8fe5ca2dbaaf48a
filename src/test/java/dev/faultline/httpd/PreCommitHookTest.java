package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/hooks/pre-commit in a real git repository holding a server's files (the htaccess-typo case, mirrored at
 * its paths): a commit that breaks an .htaccess is refused with check's finding, a commit that touches no Apache
 * configuration is not checked, and a good configuration commits.
 */
class PreCommitHookTest {
    @TempDir
    Path tmp;

    @Test
    void theHookRefusesACommitThatBreaksTheConfigurationAndLetsTheOthersThrough() throws Exception {
        CheckCorpusTest.assumeLiveApache();
        Path repo = tmp.resolve("site");
        run(tmp, "cp", "-a", Cli.repo().resolve("fixtures/apache/htaccess-typo/snapshot").toString(), repo.toString());
        for (Path d = repo; d.startsWith(tmp.getParent()); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path htaccess = repo.resolve("tmp/faultline-apache/htaccess-typo/htdocs/app/.htaccess");
        String broken = Files.readString(htaccess, StandardCharsets.ISO_8859_1);
        assertTrue(broken.contains("RewriteEngin On"), "the fixture's typo");
        String good = broken.replace("RewriteEngin On", "RewriteEngine On");
        Files.writeString(htaccess, good, StandardCharsets.ISO_8859_1);
        run(repo, "git", "init", "-q");
        run(repo, "git", "config", "user.email", "ci@example.invalid");
        run(repo, "git", "config", "user.name", "ci");
        run(repo, "git", "config", "faultline.checkArgs", "--root . --config /tmp/faultline-apache/htaccess-typo/conf/httpd.conf");
        Path hook = repo.resolve(".git/hooks/pre-commit");
        Files.copy(Cli.repo().resolve("scripts/hooks/pre-commit"), hook);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = tmp.resolve("faultline");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + ProcessHandle.current().info().command().orElse("java")
                + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' dev.faultline.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> env = List.of("FAULTLINE=" + launcher);

        run(repo, "git", "add", "-A");
        Result first = git(repo, env, "commit", "-q", "-m", "a good configuration");
        assertEquals(0, first.exit, "a good configuration commits: " + first.output);

        Files.writeString(htaccess, broken, StandardCharsets.ISO_8859_1);
        run(repo, "git", "add", "-A");
        Result refused = git(repo, env, "commit", "-q", "-m", "the typo");
        assertNotEquals(0, refused.exit, "the broken .htaccess is refused: " + refused.output);
        assertTrue(refused.output.contains("commit refused"), refused.output);
        assertTrue(refused.output.contains("htdocs/app/.htaccess:2"), "check's finding names the line: " + refused.output);

        run(repo, "git", "reset", "-q", "--hard");
        Files.writeString(repo.resolve("NOTES.txt"), "not configuration\n");
        run(repo, "git", "add", "NOTES.txt");
        long start = System.nanoTime();
        Result notes = git(repo, List.of("FAULTLINE=/nonexistent/faultline-must-not-run"), "commit", "-q", "-m", "notes");
        assertEquals(0, notes.exit, "a commit without configuration is not checked: " + notes.output);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10);
    }

    private record Result(int exit, String output) {
    }

    private static Result git(Path dir, List<String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        for (String kv : env) {
            pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "git " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), out);
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
