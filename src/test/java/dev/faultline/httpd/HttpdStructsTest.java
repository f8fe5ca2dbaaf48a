package dev.faultline.httpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every offset in HttpdStructs equals offsetof/sizeof from the installed apache2-dev headers, compiled with gcc. */
class HttpdStructsTest {
    private static final String[][] FIELDS = {
        {"MODULE_INDEX", "offsetof(module, module_index)"},
        {"MODULE_NAME", "offsetof(module, name)"},
        {"MODULE_NEXT", "offsetof(module, next)"},
        {"MODULE_MAGIC", "offsetof(module, magic)"},
        {"MODULE_CMDS", "offsetof(module, cmds)"},
        {"MODULE_SIZE", "sizeof(module)"},
        {"MODULE_MAGIC_COOKIE", "MODULE_MAGIC_COOKIE"},
        {"COMMAND_REC_NAME", "offsetof(command_rec, name)"},
        {"COMMAND_REC_FUNC", "offsetof(command_rec, func)"},
        {"COMMAND_REC_CMD_DATA", "offsetof(command_rec, cmd_data)"},
        {"COMMAND_REC_REQ_OVERRIDE", "offsetof(command_rec, req_override)"},
        {"COMMAND_REC_ARGS_HOW", "offsetof(command_rec, args_how)"},
        {"COMMAND_REC_ERRMSG", "offsetof(command_rec, errmsg)"},
        {"COMMAND_REC_SIZE", "sizeof(command_rec)"},
        {"EXEC_ON_READ", "EXEC_ON_READ"},
        {"DIRECTIVE_DIRECTIVE", "offsetof(ap_directive_t, directive)"},
        {"DIRECTIVE_ARGS", "offsetof(ap_directive_t, args)"},
        {"DIRECTIVE_NEXT", "offsetof(ap_directive_t, next)"},
        {"DIRECTIVE_FIRST_CHILD", "offsetof(ap_directive_t, first_child)"},
        {"DIRECTIVE_PARENT", "offsetof(ap_directive_t, parent)"},
        {"DIRECTIVE_DATA", "offsetof(ap_directive_t, data)"},
        {"DIRECTIVE_FILENAME", "offsetof(ap_directive_t, filename)"},
        {"DIRECTIVE_LINE_NUM", "offsetof(ap_directive_t, line_num)"},
        {"DIRECTIVE_LAST", "offsetof(ap_directive_t, last)"},
        {"DIRECTIVE_SIZE", "sizeof(ap_directive_t)"},
        {"POINTER_SIZE", "sizeof(void *)"},
    };

    @Test
    void everyOffsetMatchesTheInstalledHeaders(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/include/apache2/util_cfgtree.h")),
                "needs the apache2-dev headers (/usr/include/apache2)");
        Assumptions.assumeTrue(onPath("gcc") && onPath("apr-1-config"), "needs gcc and apr-1-config (libapr1-dev)");
        String includes = run(List.of("apr-1-config", "--includes"), dir).strip();
        StringBuilder c = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n#include \"httpd.h\"\n"
                + "#include \"http_config.h\"\n#include \"util_cfgtree.h\"\nint main(void) {\n");
        for (String[] f : FIELDS) {
            c.append("    printf(\"%s %lu\\n\", \"").append(f[0]).append("\", (unsigned long)(").append(f[1]).append("));\n");
        }
        c.append("    return 0;\n}\n");
        Files.writeString(dir.resolve("offsets.c"), c);
        List<String> gcc = new ArrayList<>(List.of("gcc"));
        gcc.addAll(List.of(includes.split("\\s+")));
        gcc.addAll(List.of("-I/usr/include/apache2", "-o", dir.resolve("offsets").toString(), dir.resolve("offsets.c").toString()));
        run(gcc, dir);
        String out = run(List.of(dir.resolve("offsets").toString()), dir);
        int checked = 0;
        for (String line : out.strip().split("\n")) {
            String[] kv = line.split(" ");
            long expected = Long.parseLong(kv[1]);
            long actual = ((Number) HttpdStructs.class.getField(kv[0]).get(null)).longValue();
            assertEquals(expected, actual, kv[0]);
            checked++;
        }
        assertEquals(FIELDS.length, checked);
        assertTrue(checked > 20);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> cmd, Path dir) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
