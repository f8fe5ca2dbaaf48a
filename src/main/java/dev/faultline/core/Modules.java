package dev.faultline.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files mapped into the crashed process, grouped by path from NT_FILE, in address order. */
public final class Modules {
    private final List<MappedModule> modules;

    public Modules(CoreFile core) {
        Map<String, MappedModule> byPath = new LinkedHashMap<>();
        for (FileMapping m : core.files()) {
            if (m.path().startsWith("/dev/") || m.path().startsWith("/memfd:") || m.path().startsWith("/SYSV")) {
                continue; // shared memory and device mappings (httpd's scoreboard on /dev/zero), not modules
            }
            byPath.computeIfAbsent(m.path(), p -> new MappedModule(p, core.memory())).add(m);
        }
        List<MappedModule> list = new ArrayList<>(byPath.values());
        list.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        modules = Collections.unmodifiableList(list);
    }

    public List<MappedModule> all() {
        return modules;
    }

    /** The module mapping {@code addr}, or null (anonymous memory, stack, vDSO). */
    public MappedModule at(long addr) {
        for (MappedModule m : modules) {
            if (m.contains(addr)) {
                return m;
            }
        }
        return null;
    }

    /** The module mapped from {@code path} exactly, or null. */
    public MappedModule byPath(String path) {
        for (MappedModule m : modules) {
            if (m.path().equals(path)) {
                return m;
            }
        }
        return null;
    }

    public MappedModule byName(String name) {
        for (MappedModule m : modules) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
