package dev.faultline.httpd.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Configuration files as the server read them: the text a trace showed being read whole wins over the disk, which
 * may have changed since the incident, or lost the file. Each difference is remembered, to be reported.
 */
public final class TracedConfigFiles extends ConfigFiles {
    private final Map<String, String> texts;
    private final List<String> drift = new ArrayList<>();

    public TracedConfigFiles(Path prefix, Map<String, String> texts) {
        super(prefix);
        this.texts = texts;
    }

    @Override
    public byte[] read(String path) {
        String t = texts.get(path);
        if (t == null) {
            return super.read(path);
        }
        byte[] disk = super.read(path);
        byte[] traced = t.getBytes(StandardCharsets.UTF_8);
        if (disk == null) {
            remember(path + " is gone since the incident: read as the trace shows it");
        } else if (!java.util.Arrays.equals(disk, traced)) {
            remember(path + " has changed since the incident: read as the trace shows it");
        }
        return traced;
    }

    private void remember(String s) {
        if (!drift.contains(s)) {
            drift.add(s);
        }
    }

    @Override
    public boolean exists(String path) {
        return texts.containsKey(path) || super.exists(path);
    }

    @Override
    public List<String> list(String dir) {
        TreeSet<String> names = new TreeSet<>(super.list(dir));
        String prefix = dir.endsWith("/") ? dir : dir + "/";
        for (String p : texts.keySet()) {
            if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
                names.add(p.substring(prefix.length()));
            }
        }
        return new ArrayList<>(names);
    }

    /** Files whose disk copy differs from what the trace showed (changed, or gone). */
    public List<String> drift() {
        return drift;
    }
}
