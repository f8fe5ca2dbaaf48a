package dev.faultline.analysis;

import dev.faultline.httpd.modules.DirectiveCatalog;
import java.util.Set;

/** What the signals may consult beyond the trace: the server's files, its directive table, its DirectoryIndex names. */
final class ScoringContext {
    /** mod_dir's default DirectoryIndex, until the server's configuration says more. */
    static final Set<String> DEFAULT_DIRECTORY_INDEX = Set.of("index.html");

    final FileSource files;
    /** The server's own directive table when its configuration is known; else every installed module's (read lazily). */
    private DirectiveCatalog catalog;
    /** The names DirectoryIndex lists anywhere in the server's configuration (lower case). */
    Set<String> directoryIndex = DEFAULT_DIRECTORY_INDEX;

    ScoringContext(FileSource files) {
        this.files = files;
    }

    void catalog(DirectiveCatalog c) {
        this.catalog = c;
    }

    DirectiveCatalog catalog() {
        if (catalog == null) {
            catalog = DirectiveCatalog.installed();
        }
        return catalog;
    }
}
