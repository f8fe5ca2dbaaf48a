package dev.faultline.httpd;

/**
 * Who owns a directive: the module that registers it in its {@code command_rec} table. Read from the modules
 * themselves (their .so files on disk, or httpd's memory), never from a hand-kept list.
 */
public interface DirectiveOwners {
    /** The module symbol ({@code rewrite_module}) that registers {@code directive}, or null when none does. */
    String moduleOf(String directive);

    /** True when {@code module} is httpd itself or a module shipped with httpd, false for a third-party one. */
    boolean shippedWithHttpd(String module);

    /** The module symbol of a loaded module file ({@code /usr/lib/apache2/modules/mod_x.so}), or null. */
    String moduleOfFile(String path);

    /** The directive's {@code command_rec.req_override} bits (where it may appear), or -1 when unknown. */
    int reqOverride(String directive);

    /** The directive whose handler is {@code function} in {@code module} (a named symbol), or null. */
    String directiveOfHandler(String module, String function);
}
