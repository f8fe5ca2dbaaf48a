package dev.faultline.httpd;

/**
 * Byte offsets and sizes of the httpd 2.4 structs faultline reads from raw memory (cores, live processes) and
 * from module files: {@code module} and {@code command_rec} (http_config.h) and {@code ap_directive_t}
 * (util_cfgtree.h). LP64 layout: the same on x86_64 and aarch64. Every value is checked against offsetof/sizeof
 * from the installed apache2-dev headers by HttpdStructsTest.
 */
public final class HttpdStructs {
    /** Every pointer, and {@code unsigned long magic}, is 8 bytes under LP64. */
    public static final int POINTER_SIZE = 8;

    // module (STANDARD20_MODULE_STUFF, then the config and hook functions)
    public static final int MODULE_INDEX = 8;
    public static final int MODULE_NAME = 16;
    public static final int MODULE_NEXT = 32;
    public static final int MODULE_MAGIC = 40;
    public static final int MODULE_CMDS = 88;
    public static final int MODULE_SIZE = 112;
    /** {@code MODULE_MAGIC_COOKIE} of httpd 2.4 ("AP24"), in every module's {@code magic} field. */
    public static final long MODULE_MAGIC_COOKIE = 0x41503234L;

    // command_rec: one directive of a module's table, which ends with a NULL name
    public static final int COMMAND_REC_NAME = 0;
    public static final int COMMAND_REC_FUNC = 8;
    public static final int COMMAND_REC_CMD_DATA = 16;
    public static final int COMMAND_REC_REQ_OVERRIDE = 24;
    public static final int COMMAND_REC_ARGS_HOW = 28;
    public static final int COMMAND_REC_ERRMSG = 32;
    public static final int COMMAND_REC_SIZE = 40;
    /**
     * The {@code req_override} bit of directives run while the files are read (LoadModule, Include, ServerRoot,
     * Define, &lt;IfModule&gt;...): httpd runs them during the build and keeps no node of them in ap_conftree.
     */
    public static final int EXEC_ON_READ = 256;

    // ap_directive_t: one node of the parsed configuration tree
    public static final int DIRECTIVE_DIRECTIVE = 0;
    public static final int DIRECTIVE_ARGS = 8;
    public static final int DIRECTIVE_NEXT = 16;
    public static final int DIRECTIVE_FIRST_CHILD = 24;
    public static final int DIRECTIVE_PARENT = 32;
    public static final int DIRECTIVE_DATA = 40;
    public static final int DIRECTIVE_FILENAME = 48;
    public static final int DIRECTIVE_LINE_NUM = 56;
    public static final int DIRECTIVE_LAST = 64;
    public static final int DIRECTIVE_SIZE = 72;

    private HttpdStructs() {
    }
}
