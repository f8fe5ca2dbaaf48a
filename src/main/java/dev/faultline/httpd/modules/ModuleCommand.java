package dev.faultline.httpd.modules;

/**
 * One entry of a module's {@code command_rec} table (http_config.h): the directive a module owns, the function
 * that runs it, and where it may appear.
 *
 * @param directive   the name as the module registers it ({@code RewriteEngine})
 * @param module      the module struct's symbol ({@code rewrite_module})
 * @param moduleFile  the file the module came from (a LoadModule .so, or the httpd executable for a static one)
 * @param handler     the symbol of {@code command_rec.func} when it has one, else null
 * @param handlerAddr the function's address as a module-relative offset (stable across ASLR), or -1
 * @param reqOverride {@code command_rec.req_override}: the OR_* / ACCESS_CONF / RSRC_CONF bits
 * @param argsHow     {@code command_rec.args_how} (RAW_ARGS=0, TAKE1=1, ... see http_config.h)
 * @param help        {@code command_rec.errmsg}, the usage text, or null
 */
public record ModuleCommand(String directive, String module, String moduleFile, String handler, long handlerAddr,
                            int reqOverride, int argsHow, String help) {
}
