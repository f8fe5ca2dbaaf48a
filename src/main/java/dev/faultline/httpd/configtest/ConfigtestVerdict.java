package dev.faultline.httpd.configtest;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code faultline configtest} found, with every path already the ORIGINAL one (never the copy's).
 *
 * @param test       the first run of apache2 -t on the copy
 * @param output     what apache2 printed, with copy paths mapped back
 * @param implicated the included file whose emptying alone made the crash go away (null: none, or no bisection)
 * @param culprit    the culprit line (null: not found, or no bisection); its file is {@code culpritFile}
 * @param runs       runs of apache2 -t in all (the first test, the include listing and the bisection)
 */
public record ConfigtestVerdict(Path config, Path serverRoot, ConfigTestResult test, String output,
        Bisector.Result bisection, Path implicated, Path culpritFile, ConfigLines.Line culprit, int runs,
        long millis, List<String> notes) {
}
