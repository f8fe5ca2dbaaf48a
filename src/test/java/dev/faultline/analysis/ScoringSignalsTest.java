package dev.faultline.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per scoring signal: a recorded real case where it must fire, and the file it must give its evidence to
 * (the signal classes of docs/heuristics.md, "Signals"). The live-only signals (open-at-crash, core-config-phase)
 * are proven by the attach and core tests.
 */
class ScoringSignalsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} on {2}")
    @CsvSource({
        // signal,            case,                          trace,                  file it names
        "error-message,       apache/htaccess-typo,          f_tt_T_yy_s1024.txt,    htdocs/app/.htaccess",
        "invalid-directive,   apache/htaccess-typo,          f_o.txt,                htdocs/app/.htaccess",
        "recency,             apache/htaccess-typo,          f_o.txt,                htdocs/app/.htaccess",
        "path-prior,          apache/htaccess-typo,          f_o.txt,                htdocs/app/.htaccess",
        "http-status,         apache/htaccess-typo,          f_o.txt,                htdocs/app/.htaccess",
        "failed-open,         apache/php-missing-include,    f_o.txt,                wp-includes/class-wp-locale.phpp",
        "repeated-probes,     apache/php-missing-include,    f_o.txt,                wp-includes/class-wp-locale.phpp",
        "near-miss,           apache/php-missing-include,    f_o.txt,                wp-includes/class-wp-locale.phpp",
        "referrer,            apache/php-missing-include,    f_o.txt,                htdocs/wp/wp-settings.php",
        "permission,          apache/htaccess-unreadable-403, f_o.txt,               htdocs/blog/.htaccess",
        "read-in-request,     apache/php-stack-overflow,     f_o.txt,                htdocs/deep/.htaccess",
        "open-at-fault,       config-open,                   f_o.txt,                bad.conf",
        "also-open,           config-open,                   f_o.txt,                main.conf",
    })
    void theSignalFiresOnItsCase(String signal, String caseDir, String trace, String file) throws Exception {
        Path dir = Cli.repo().resolve("fixtures").resolve(caseDir);
        List<String> args = new ArrayList<>(List.of("analyze", "--format", "json", "--no-auto-error-log"));
        if (Files.isDirectory(dir.resolve("snapshot"))) {
            args.addAll(List.of("--root", dir.resolve("snapshot").toString()));
        }
        args.add(dir.resolve(trace).toString());
        Cli r = Cli.run(args.toArray(new String[0]));
        JsonNode root = JSON.readTree(r.out);
        boolean fired = false;
        for (JsonNode inc : root.get("incidents")) {
            for (JsonNode c : inc.get("verdict").get("candidates")) {
                if (c.get("path").asText().endsWith("/" + file) || c.get("path").asText().equals(file)) {
                    for (JsonNode e : c.get("evidence")) {
                        fired |= e.get("signal").asText().equals(signal);
                    }
                }
            }
        }
        assertTrue(fired, signal + " gives evidence to " + file + ": " + r.out);
    }
}
