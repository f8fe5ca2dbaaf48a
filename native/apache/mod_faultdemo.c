/*
 * mod_faultdemo: a deliberately buggy "third-party" Apache module for the recorded crash corpus
 * (native/apache/record-httpd.sh -> fixtures/httpd). Each directive crashes httpd in a different
 * phase when given a bad value, so that every verdict rule of faultline has a real case:
 *
 *   <P>Parse NAME    crashes inside its own directive handler (startup, apache2 -t, or a .htaccess
 *                    read at request time in ap_parse_htaccess)
 *   <P>Handler NAME  only stores the lookup; the fixups hook crashes later, at request time, in
 *                    fd_run_handler(), a helper that is not the directive handler
 *   <P>Pool N        server config; the post_config hook crashes for N=0 (start-up or graceful reload)
 *   <P>Enable On|Off harmless, for healthy configurations that use the module
 *
 * The module symbol and the directive prefix are build-time parameters, so that a variant build
 * has other names (record-httpd.sh, FD_VARIANT=1):
 *   apxs -c -DFD_MODULE=faultdemo_module -DFD_PREFIX=Faultdemo mod_faultdemo.c
 * Every NULL dereference goes through a volatile pointer: with a visible NULL, gcc -O2 may emit
 * ud2 (SIGILL) instead of the load that gives the SIGSEGV a real crash has.
 */
#include "httpd.h"
#include "http_config.h"
#include "http_request.h"
#include "apr_strings.h"

#ifndef FD_MODULE
#define FD_MODULE faultdemo_module
#endif
/* FD_PREFIX is a bare word (-DFD_PREFIX=Faultdemo): apxs and libtool strip quotes from -D values. */
#ifndef FD_PREFIX
#define FD_PREFIX Faultdemo
#endif
#define FD_STRINGIFY2(x) #x
#define FD_STRINGIFY(x) FD_STRINGIFY2(x)
#define FD_DIRECTIVE(suffix) FD_STRINGIFY(FD_PREFIX) suffix

typedef struct {
    const char *name;              /* offset 0: the Parse crash reads address 0x0 */
    int (*run)(request_rec *r);    /* offset 8: the Handler crash reads address 0x8 */
} fd_handler;

static int run_static(request_rec *r) { (void)r; return DECLINED; }
static int run_cache(request_rec *r) { (void)r; return DECLINED; }
static int run_proxy(request_rec *r) { (void)r; return DECLINED; }

static const fd_handler known_handlers[] = {
    { "static", run_static },
    { "cache", run_cache },
    { "proxy", run_proxy },
};

/* Sizes the module accepts for FaultdemoPool; the index is the value, 0 has no entry. */
static const char *const pool_labels[] = { NULL, "tiny", "small", "medium", "large" };

static const fd_handler *lookup_handler(const char *name)
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
    int set;                  /* <P>Handler appeared in this scope */
    const fd_handler *handler; /* NULL for an unknown name: the latent bug */
    const char *parsed;       /* last <P>Parse name */
    int enabled;              /* <P>Enable */
} fd_dir_conf;

typedef struct {
    int pool_set;
    int pool_size;            /* <P>Pool N */
} fd_server_conf;

module AP_MODULE_DECLARE_DATA FD_MODULE;

static void *create_dir_conf(apr_pool_t *p, char *dir)
{
    (void)dir;
    return apr_pcalloc(p, sizeof(fd_dir_conf));
}

static void *merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    fd_dir_conf *base = basev, *add = addv;
    fd_dir_conf *c = apr_pcalloc(p, sizeof(*c));
    c->set = add->set ? add->set : base->set;
    c->handler = add->set ? add->handler : base->handler;
    c->parsed = add->parsed ? add->parsed : base->parsed;
    c->enabled = add->enabled ? add->enabled : base->enabled;
    return c;
}

static void *create_server_conf(apr_pool_t *p, server_rec *s)
{
    (void)s;
    return apr_pcalloc(p, sizeof(fd_server_conf));
}

/* <P>Parse NAME: the crash happens while the directive is parsed (no NULL check). */
static const char *cmd_parse(cmd_parms *cmd, void *dconf, const char *name)
{
    fd_dir_conf *c = dconf;
    const fd_handler *volatile h = lookup_handler(name);
    c->parsed = apr_pstrdup(cmd->pool, h->name);
    return NULL;
}

/* <P>Handler NAME: an unknown name is stored as NULL without complaint. */
static const char *cmd_handler(cmd_parms *cmd, void *dconf, const char *name)
{
    fd_dir_conf *c = dconf;
    (void)cmd;
    c->set = 1;
    c->handler = lookup_handler(name);
    return NULL;
}

static const char *cmd_pool(cmd_parms *cmd, void *dconf, const char *arg)
{
    fd_server_conf *sc = ap_get_module_config(cmd->server->module_config, &FD_MODULE);
    int n = atoi(arg);
    (void)dconf;
    if (n < 0 || n >= (int)(sizeof(pool_labels) / sizeof(pool_labels[0]))) {
        return apr_psprintf(cmd->pool, "%s takes 0 to %d", cmd->cmd->name,
                            (int)(sizeof(pool_labels) / sizeof(pool_labels[0])) - 1);
    }
    sc->pool_set = 1;
    sc->pool_size = n; /* bug: 0 is accepted, but has no label */
    return NULL;
}

static const char *cmd_enable(cmd_parms *cmd, void *dconf, int on)
{
    fd_dir_conf *c = dconf;
    (void)cmd;
    c->enabled = on ? 1 : -1;
    return NULL;
}

/* noinline: the request-time crash must be in a frame of its own, not in the hook or the handler. */
static __attribute__((noinline)) int fd_run_handler(request_rec *r, const fd_handler *volatile h)
{
    return h->run(r);
}

static int fd_fixups(request_rec *r)
{
    fd_dir_conf *c = ap_get_module_config(r->per_dir_config, &FD_MODULE);
    if (!c || !c->set) {
        return DECLINED;
    }
    return fd_run_handler(r, c->handler);
}

static __attribute__((noinline)) size_t fd_pool_label_length(int size)
{
    const char *volatile label = pool_labels[size];
    return label[0] == '\0' ? 0 : strlen(label); /* label[0]: the fault is in this frame, not libc's */
}

static int fd_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    fd_server_conf *sc = ap_get_module_config(s->module_config, &FD_MODULE);
    (void)pconf; (void)plog; (void)ptemp;
    if (sc && sc->pool_set) {
        (void)fd_pool_label_length(sc->pool_size); /* crashes for 0 */
    }
    return OK;
}

static const command_rec fd_cmds[] = {
    AP_INIT_TAKE1(FD_DIRECTIVE("Parse"), cmd_parse, NULL, RSRC_CONF | ACCESS_CONF | OR_ALL,
                  "NAME: parse-time lookup of a handler name (static, cache, proxy)"),
    AP_INIT_TAKE1(FD_DIRECTIVE("Handler"), cmd_handler, NULL, RSRC_CONF | ACCESS_CONF | OR_FILEINFO,
                  "NAME: handler (static, cache, proxy) run in the fixups phase"),
    AP_INIT_TAKE1(FD_DIRECTIVE("Pool"), cmd_pool, NULL, RSRC_CONF,
                  "N: worker pool size, 1 to 4"),
    AP_INIT_FLAG(FD_DIRECTIVE("Enable"), cmd_enable, NULL, RSRC_CONF | ACCESS_CONF | OR_ALL,
                 "On|Off"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_fixups(fd_fixups, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(fd_post_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA FD_MODULE = {
    STANDARD20_MODULE_STUFF,
    create_dir_conf,
    merge_dir_conf,
    create_server_conf,
    NULL,
    fd_cmds,
    register_hooks
};
