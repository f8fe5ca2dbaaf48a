/*
 * mod_crashconf: a deliberately buggy Apache module whose crash is caused by a config value, so
 * that faultline's live capture can be tested against a real httpd (native/apache/live-apache.sh).
 *
 * Both directives look a handler name up in a small static table and forget the NULL check. A
 * typo in the name ("statc", "proxxy") therefore makes the serving child segfault (SIGSEGV,
 * SEGV_MAPERR). Apache's own SIGSEGV handler (sig_coredump) then re-raises the signal with
 * kill(getpid()) (SI_USER); that default behaviour is kept on purpose.
 *
 * Build: make -C native   (runs `apxs -c`; the result is native/build/mod_crashconf.so)
 */
#include "httpd.h"
#include "http_config.h"
#include "http_request.h"
#include "apr_strings.h"

typedef struct {
    const char *name;             /* offset 0: a parse-time NULL dereference faults at 0x0 */
    int (*fixup)(request_rec *r); /* offset 8: a request-time call through NULL faults at 0x8 */
} crashconf_handler;

static int fixup_static(request_rec *r) { (void)r; return DECLINED; }
static int fixup_cgi(request_rec *r) { (void)r; return DECLINED; }
static int fixup_proxy(request_rec *r) { (void)r; return DECLINED; }

static const crashconf_handler known_handlers[] = {
    { "static", fixup_static },
    { "cgi", fixup_cgi },
    { "proxy", fixup_proxy },
};

static const crashconf_handler *lookup(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof(known_handlers) / sizeof(known_handlers[0]); i++) {
        if (strcmp(known_handlers[i].name, name) == 0) {
            return &known_handlers[i];
        }
    }
    return NULL;
}

typedef struct {
    int set;                          /* CrashConfHandler appeared in this scope */
    const crashconf_handler *handler; /* NULL for an unknown name: the latent bug */
    const char *parsed;               /* last CrashConfParse name (only ever set for known names) */
} crashconf_dir_conf;

module AP_MODULE_DECLARE_DATA crashconf_module;

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    (void)dir;
    return apr_pcalloc(p, sizeof(crashconf_dir_conf));
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    crashconf_dir_conf *base = basev, *add = addv;
    crashconf_dir_conf *c = apr_pcalloc(p, sizeof(*c));
    *c = add->set ? *add : *base;
    c->parsed = add->parsed ? add->parsed : base->parsed;
    return c;
}

/*
 * CrashConfParse NAME: crashes *while the directive is parsed*. In a .htaccess that is at request
 * time, inside ap_parse_htaccess, with the .htaccess file still open (its fd is at EOF: apr reads a
 * small file whole, in one 4 KiB read); in a .conf it is at startup or reload. This is the "config
 * file still open at the fault" case.
 */
static const char *cmd_parse(cmd_parms *cmd, void *dconf, const char *name)
{
    crashconf_dir_conf *c = dconf;
    /* volatile: with a visible NULL, gcc -O2 may turn the dereference into ud2 (SIGILL) */
    const crashconf_handler *volatile h = lookup(name);
    c->parsed = apr_pstrdup(cmd->pool, h->name); /* bug: no NULL check */
    return NULL;
}

/*
 * CrashConfHandler NAME: only stores the (possibly NULL) lookup result; the fixups hook calls
 * through it later. The crash then happens after the .htaccess was read and closed, so only the
 * module linkage (or the file read earlier in the same thread) points at the culprit line.
 */
static const char *cmd_handler(cmd_parms *cmd, void *dconf, const char *name)
{
    crashconf_dir_conf *c = dconf;
    (void)cmd;
    c->set = 1;
    c->handler = lookup(name); /* bug: an unknown name is stored as NULL without complaint */
    return NULL;
}

static int crashconf_fixups(request_rec *r)
{
    crashconf_dir_conf *c = ap_get_module_config(r->per_dir_config, &crashconf_module);
    const crashconf_handler *volatile h;
    if (!c || !c->set) {
        return DECLINED;
    }
    h = c->handler;
    return h->fixup(r); /* bug: calls through NULL for an unknown name (reads 0x8) */
}

static const command_rec crashconf_cmds[] = {
    /* OR_ALL: usable in .htaccess under any AllowOverride that enables a class (All, FileInfo, ...) */
    AP_INIT_TAKE1("CrashConfParse", cmd_parse, NULL, RSRC_CONF | ACCESS_CONF | OR_ALL,
                  "CrashConfParse NAME: parse-time lookup of a handler name (static, cgi, proxy)"),
    AP_INIT_TAKE1("CrashConfHandler", cmd_handler, NULL, RSRC_CONF | ACCESS_CONF | OR_ALL,
                  "CrashConfHandler NAME: handler (static, cgi, proxy) run in the fixups phase"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_fixups(crashconf_fixups, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA crashconf_module = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    NULL,
    NULL,
    crashconf_cmds,
    register_hooks
};
