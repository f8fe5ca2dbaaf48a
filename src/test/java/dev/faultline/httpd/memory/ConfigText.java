package dev.faultline.httpd.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faultline.httpd.config.ConfigNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Test helpers: a config tree as lines, checked against the text of the files it names; waiting for a core. */
final class ConfigText {
    private ConfigText() {
    }

    /** Every node, depth first, as {@code file:line text}. */
    static List<String> flatten(List<ConfigNode> roots) {
        List<String> out = new ArrayList<>();
        for (ConfigNode n : roots) {
            out.add(n.toString());
            out.addAll(flatten(n.children()));
        }
        return out;
    }

    /**
     * Each node is the line it names in its file (same directive, args included), and the file {@code conf}
     * has no directive line the tree lacks (no lost branch), except those httpd runs while reading and keeps no
     * node of ({@code execOnRead}, lower case, sections with their {@code <}). Returns the number of nodes from {@code conf}.
     */
    static int assertMatchesFiles(List<ConfigNode> roots, Path conf, java.util.Set<String> execOnRead) throws IOException {
        List<ConfigNode> all = new ArrayList<>();
        collect(roots, all);
        int fromConf = 0;
        java.util.Set<Integer> seenLines = new java.util.TreeSet<>();
        for (ConfigNode n : all) {
            List<String> lines = Files.readAllLines(Path.of(n.file()));
            assertTrue(n.line() <= lines.size(), n.toString());
            String text = lines.get(n.line() - 1).strip();
            String head = (n.isSection() ? "<" : "") + n.name().toLowerCase(Locale.ROOT);
            assertTrue(text.toLowerCase(Locale.ROOT).startsWith(head), n + " vs the file's line: " + text);
            assertTrue(text.contains(n.args().replace("\"", "")) || text.contains(n.args()), n + " vs " + text);
            if (n.file().equals(conf.toString())) {
                seenLines.add(n.line());
                fromConf++;
            }
        }
        List<String> confLines = Files.readAllLines(conf);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < confLines.size(); i++) {
            String l = confLines.get(i).strip();
            String first = l.split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("</") && !seenLines.contains(i + 1)
                    && !execOnRead.contains(first)) {
                missing.add((i + 1) + ": " + l);
            }
        }
        assertEquals(List.of(), missing, "every directive line of " + conf + " is in the tree");
        return fromConf;
    }

    /** The directives (lower case) the loaded modules flag EXEC_ON_READ, as read from the process's memory. */
    static java.util.Set<String> execOnRead(HttpdMemory h) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (HttpdMemory.LoadedModule m : h.modules()) {
            for (HttpdMemory.Command c : m.commands()) {
                if ((c.reqOverride() & dev.faultline.httpd.HttpdStructs.EXEC_ON_READ) != 0) {
                    out.add(c.directive().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static void collect(List<ConfigNode> nodes, List<ConfigNode> out) {
        for (ConfigNode n : nodes) {
            out.add(n);
            collect(n.children(), out);
        }
    }
}
