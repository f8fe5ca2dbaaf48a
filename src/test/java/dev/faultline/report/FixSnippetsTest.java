package dev.faultline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import dev.faultline.fix.FixTrees;
import dev.faultline.httpd.fix.FixHint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Puppet and Ansible forms of a fix do what the diff does. Puppet runs for real (Debian's puppet with
 * puppetlabs-stdlib, on private copies); Ansible is not installed, so its task is checked with Python's own yaml and
 * re modules, which is what lineinfile uses to read the task and match the line.
 */
class FixSnippetsTest {
    private static final Path STDLIB = Path.of("/usr/share/puppet/modules/stdlib");
    /** A line that needs every escape: quotes, backslashes, regex metacharacters, a tab. */
    private static final String TRICKY_OLD = "\tRewriteRule ^old/(.*)$ \"new \\\"x\\\"\" [L,E=a:'b\\1'] {2}|+?";
    private static final String TRICKY_NEW = "\tRewriteRule ^older/(.*)$ \"new \\\"y\\\"\" [L,E=a:'b\\1'] {2}|+?";
    /** What an unescaped pattern of TRICKY_OLD would match too (. is any character): it must stay as it is. */
    private static final String DECOY = "\tRewriteRule ^old/(x*)$ \"new \\\"x\\\"\" [L,E=a:'b\\1'] {2}|+?";

    private static FixTrees.Run puppet(Path dir, Path manifest, boolean noop) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("puppet", "apply", "--color", "false", "--modulepath", STDLIB.getParent().toString(),
                "--vardir", dir.resolve("var").toString(), "--confdir", dir.resolve("conf").toString(),
                "--codedir", dir.resolve("code").toString(), "--logdir", dir.resolve("log").toString(),
                "--rundir", dir.resolve("run").toString()));
        if (noop) {
            cmd.add("--noop");
        }
        cmd.add(manifest.toString());
        return FixTrees.run(dir, null, cmd);
    }

    private static void assumePuppet() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/puppet")) && Files.isDirectory(STDLIB),
                "needs Debian's puppet and puppet-module-puppetlabs-stdlib (apt-get install puppet puppet-module-puppetlabs-stdlib)");
    }

    /** The corpus's .htaccess typo, from analyze's JSON report: --noop names the change and changes nothing; then it applies. */
    @Test
    void puppetFileLineFixesTheHtaccessTypoOnACopy() throws Exception {
        assumePuppet();
        Path caseDir = Cli.repo().resolve("fixtures/apache/htaccess-typo");
        Path copy = FixTrees.copy(caseDir.resolve("snapshot"));
        try {
            Cli r = Cli.run("analyze", "--format", "json", "--root", copy.toString(), caseDir.resolve("f_o.txt").toString());
            FixHint hint = FixJson.from(new ObjectMapper().readTree(r.out).get("incidents").get(0).get("fix"));
            Path file = copy.resolve(hint.path().substring(1));
            String before = Files.readString(file);
            String fixed = before.replace("RewriteEngin On\n", "RewriteEngine On\n");
            Path manifest = copy.getParent().resolve("fix.pp");
            Files.writeString(manifest, PuppetFileLine.render(hint, file.toString()));

            FixTrees.Run noop = puppet(copy.getParent(), manifest, true);
            assertEquals(0, noop.exit(), noop.out());
            assertTrue(noop.out().contains("File_line[faultline " + hint.path() + ":2]/ensure: current_value 'absent', should be 'present' (noop)"),
                    noop.out());
            assertEquals(before, Files.readString(file), "--noop changes nothing");

            FixTrees.Run apply = puppet(copy.getParent(), manifest, false);
            assertEquals(0, apply.exit(), apply.out());
            assertEquals(fixed, Files.readString(file));
            // applied again: the line is there, nothing to do (and nothing appended)
            FixTrees.Run again = puppet(copy.getParent(), manifest, false);
            assertFalse(again.out().contains("File_line["), again.out());
            assertEquals(fixed, Files.readString(file));
        } finally {
            FixTrees.delete(copy.getParent());
        }
    }

    private static Path trickyFile(Path dir) throws Exception {
        Path f = dir.resolve(".htaccess");
        Files.writeString(f, "# tricky\n" + DECOY + "\n" + TRICKY_OLD + "\nRewriteEngine On\n", StandardCharsets.UTF_8);
        return f;
    }

    private static FixHint trickyHint(Path f) {
        return new FixHint(FixHint.Kind.RENAME_DIRECTIVE, f.toString(), f, 3, TRICKY_OLD, TRICKY_NEW, null,
                "a line with \"quotes\", 'apostrophes' and \\backslashes\\", null);
    }

    @Test
    void puppetEscapesQuotesBackslashesAndRegexMetacharacters() throws Exception {
        assumePuppet();
        Path dir = FixTrees.tempDir();
        try {
            Path f = trickyFile(dir);
            Path manifest = dir.resolve("fix.pp");
            Files.writeString(manifest, PuppetFileLine.render(trickyHint(f)));
            FixTrees.Run apply = puppet(dir, manifest, false);
            assertEquals(0, apply.exit(), apply.out());
            assertEquals("# tricky\n" + DECOY + "\n" + TRICKY_NEW + "\nRewriteEngine On\n", Files.readString(f));
        } finally {
            FixTrees.delete(dir);
        }
    }

    @Test
    void puppetFileResourceGivesTheServerGroupRead() throws Exception {
        assumePuppet();
        Path dir = FixTrees.tempDir();
        try {
            Path f = dir.resolve("settings.php");
            Files.writeString(f, "<?php\n");
            Files.setPosixFilePermissions(f, java.util.EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            FixHint hint = new FixHint(FixHint.Kind.PERMISSION, f.toString(), f, 0, null, null, new FixHint.Access(null, "www-data", "g+r"),
                    "the server was denied reading it", null);
            Path manifest = dir.resolve("fix.pp");
            Files.writeString(manifest, PuppetFileLine.render(hint));
            FixTrees.Run noop = puppet(dir, manifest, true);
            assertEquals(0, noop.exit(), noop.out());
            // Puppet shows a symbolic mode as it was written ('0g+r'); the real run below shows what it becomes
            assertTrue(noop.out().contains("/mode: current_value '0600', should be '0g+r' (noop)"), noop.out());
            assertTrue(noop.out().contains("/group: current_value"), noop.out());
            FixTrees.Run apply = puppet(dir, manifest, false);
            assertEquals(0, apply.exit(), apply.out());
            PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class);
            assertEquals("www-data", a.group().getName());
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(a.permissions()));
        } finally {
            FixTrees.delete(dir);
        }
    }

    /**
     * The Ansible task read by Python's yaml (as ansible-playbook reads it); its regexp matches the one line to
     * change and not the decoy (lineinfile uses re.search), and the line, expanded as with backrefs: yes, is the new one.
     */
    @Test
    void ansibleTaskIsValidYamlAndItsRegexpMatchesOnlyTheLine() throws Exception {
        FixTrees.Run hasYaml = FixTrees.run(Path.of("."), null, List.of("python3", "-c", "import yaml"));
        assumeTrue(hasYaml.exit() == 0, "needs python3 with PyYAML (the yaml module ansible itself needs)");
        Path dir = FixTrees.tempDir();
        try {
            Path f = trickyFile(dir);
            Path task = dir.resolve("fix.yml");
            Files.writeString(task, "---\n" + AnsibleLineInFile.render(trickyHint(f)));
            String check = String.join("\n",
                    "import re, sys, yaml",
                    "t = yaml.safe_load(open(sys.argv[1]))[0]",
                    "m = t['ansible.builtin.lineinfile']",
                    "assert m['path'] == sys.argv[2], m['path']",
                    "assert m['backrefs'] is True and m['backup'] is True",
                    "lines = open(m['path']).read().split('\\n')",
                    "hits = [i for i, l in enumerate(lines) if re.search(m['regexp'], l)]",
                    "assert hits == [2], hits",
                    "print(re.search(m['regexp'], lines[2]).expand(m['line']))");
            FixTrees.Run py = FixTrees.run(dir, null, List.of("python3", "-c", check, task.toString(), f.toString()));
            assertEquals(0, py.exit(), py.out());
            assertEquals(TRICKY_NEW + "\n", py.out());
        } finally {
            FixTrees.delete(dir);
        }
    }

    @Test
    void ansiblePermissionTaskIsAFileTask() {
        FixHint hint = new FixHint(FixHint.Kind.PERMISSION, "/srv/x/settings.php", Path.of("/srv/x/settings.php"), 0, null, null,
                new FixHint.Access(null, "www-data", "g+r"), "denied", null);
        String yaml = AnsibleLineInFile.render(hint);
        assertTrue(yaml.contains("  ansible.builtin.file:\n    path: \"/srv/x/settings.php\"\n    group: \"www-data\"\n    mode: \"g+r\"\n"), yaml);
    }
}
