/* confsrv.c - a tiny config-driven "server" used to record strace fixtures for faultline.
 *
 * It behaves a little like httpd: it reads conf/main.conf (relative to its cwd), follows
 * "Include PATH" directives, applies directives, and logs to logs/error.log.  Each mode
 * (argv[1]) reproduces one incident shape; see native/README.md.
 *
 *   confsrv open|closed|thread|fork|http500|stackoverflow|serve
 *
 * Grammar (one directive per line, '#' starts a comment, blank lines ignored):
 *   Include PATH            read PATH now (nested, relative to cwd)
 *   ServerName NAME         stored
 *   Listen 127.0.0.1:PORT   socket/bind/listen on loopback (PORT 0 = any free port)
 *   Workers N               stored; N > 16 is clamped with a [warn] log line
 *   LogLevel LEVEL          stored
 *   Handler NAME            look NAME up in a static table; unknown NAME -> NULL handler,
 *                           and applying it dereferences that NULL (SIGSEGV, SEGV_MAPERR)
 *   LoadHandler PATH        open PATH to "load" it when the line is READ (like LoadModule,
 *                           EXEC_ON_READ); ENOENT -> nothing logged, NULL stored; applying
 *                           the directive later calls through the NULL
 *   Route PREFIX FILE       request PREFIX is served by the script FILE (http500 mode)
 * Request scripts (http500 mode) know: Set K V, Echo TEXT, Include PATH.
 *
 * WHY THE 1-BYTE LINE READER: every config file and script is read with read(fd, &c, 1),
 * one byte at a time, exactly like /bin/sh reads its input.  An strace of the program then
 * shows every byte of every line ("H", "a", "n", ... "\n"), so an analyzer can reconstruct
 * which line of which file was being parsed at the moment of the crash even with strace's
 * default -s 32 string truncation.  A buffered reader (read(fd, buf, 4096)) would show only
 * the first 32 bytes of the file and no position information.
 *
 * Everything is written to logs/error.log, never to stdout/stderr: in `strace 2> FILE`
 * mode the program's own stderr would be mixed into the trace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_DIRECTIVES 256

struct server;

struct handler {
    const char *name;                   /* first member: a NULL handler faults at si_addr=0x8 */
    void (*init)(struct server *srv);   /* reading ->init through NULL is the crash */
};

struct server {
    char name[128];
    char loglevel[32];
    int workers;
    int listen_fd;
    struct sockaddr_in listen_addr;
    int handlers_active;
    char route_prefix[64];
    char route_file[256];
};

struct directive {
    char file[256];
    int line;
    char name[32];
    char arg[256];
    struct handler *loaded;             /* LoadHandler result, NULL when the open failed */
};

static struct server srv = { .workers = 1, .listen_fd = -1 };
static struct directive pending[MAX_DIRECTIVES];
static int npending;
static int logfd = -1;

/* ------------------------------------------------------------------ logging */

static void logmsg(const char *level, const char *fmt, ...)
{
    char msg[512], line[768], ts[64];
    va_list ap;
    time_t now = time(NULL);
    struct tm *tm = localtime(&now);    /* first call opens /etc/localtime lazily */

    strftime(ts, sizeof ts, "%a %b %d %H:%M:%S %Y", tm);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int n = snprintf(line, sizeof line, "[%s] [%s] [pid %d:tid %d] %s\n",
                     ts, level, (int)getpid(), (int)gettid(), msg);
    if (logfd >= 0 && n > 0) {
        ssize_t w = write(logfd, line, (size_t)n);
        (void)w;
    }
}

static void open_log(void)
{
    logfd = open("logs/error.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/* ------------------------------------------------------------------ handlers */

static void init_static(struct server *s) { s->handlers_active++; }
static void init_cgi(struct server *s)    { s->handlers_active++; }
static void init_proxy(struct server *s)  { s->handlers_active++; }
static void init_loaded(struct server *s) { s->handlers_active++; }

static struct handler builtin_handlers[] = {
    { "static", init_static },
    { "cgi",    init_cgi },
    { "proxy",  init_proxy },
};
static struct handler loaded_handlers[8];
static int nloaded;

static struct handler *lookup_handler(const char *name)
{
    for (size_t i = 0; i < sizeof builtin_handlers / sizeof builtin_handlers[0]; i++)
        if (strcmp(builtin_handlers[i].name, name) == 0)
            return &builtin_handlers[i];
    return NULL;                        /* unknown name: no error, just NULL (the bug) */
}

/* "Load" a handler object: open it, read its header, close it.  ENOENT -> NULL, silently. */
static struct handler *load_handler(const char *path)
{
    char hdr[64];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, hdr, sizeof hdr);
    (void)n;
    close(fd);
    if (nloaded >= 8)
        return NULL;
    loaded_handlers[nloaded].name = "loaded";
    loaded_handlers[nloaded].init = init_loaded;
    return &loaded_handlers[nloaded++];
}

/* ------------------------------------------------------------------ line reader */

/* Reads one line with read(fd, &c, 1) per byte (see the header comment for why).
 * Returns the line length without '\n', or -1 at EOF with nothing read. */
static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    char c;
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r <= 0) {
            if (n == 0)
                return -1;
            break;
        }
        if (c == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return (int)n;
}

/* Splits "Name  arg..." in place; returns 0 for blank/comment lines. */
static int split_directive(char *line, char **name, char **arg)
{
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    *name = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    if (*p)
        *p++ = '\0';
    while (*p == ' ' || *p == '\t')
        p++;
    *arg = p;
    size_t l = strlen(p);
    while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
        p[--l] = '\0';
    return 1;
}

/* ------------------------------------------------------------------ directives */

static void do_listen(const char *arg)
{
    char host[64] = "127.0.0.1";
    int port = 0;
    const char *colon = strrchr(arg, ':');
    if (colon) {
        size_t hl = (size_t)(colon - arg);
        if (hl < sizeof host) {
            memcpy(host, arg, hl);
            host[hl] = '\0';
        }
        port = atoi(colon + 1);
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* loopback only, always */
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0) {
        close(fd);
        return;
    }
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    if (srv.listen_fd >= 0)
        close(srv.listen_fd);          /* last Listen wins */
    srv.listen_fd = fd;
    srv.listen_addr = a;
}

/* Apply one directive.  The two crash sites are here; both read h->init through a NULL
 * handler pointer held in a volatile variable, so gcc must emit a real load (no ud2). */
static void apply_directive(const struct directive *d)
{
    if (strcmp(d->name, "ServerName") == 0) {
        snprintf(srv.name, sizeof srv.name, "%.127s", d->arg);
    } else if (strcmp(d->name, "Listen") == 0) {
        do_listen(d->arg);
    } else if (strcmp(d->name, "Workers") == 0) {
        int n = atoi(d->arg);
        if (n > 16) {
            logmsg("warn", "Workers %d exceeds the limit of 16, using 16", n);
            n = 16;
        }
        srv.workers = n > 0 ? n : 1;
    } else if (strcmp(d->name, "LogLevel") == 0) {
        snprintf(srv.loglevel, sizeof srv.loglevel, "%.31s", d->arg);
    } else if (strcmp(d->name, "Handler") == 0) {
        struct handler *volatile h = lookup_handler(d->arg);
        h->init(&srv);                  /* Handler nosuch -> SIGSEGV here */
    } else if (strcmp(d->name, "LoadHandler") == 0) {
        struct handler *volatile h = d->loaded;
        h->init(&srv);                  /* failed LoadHandler -> SIGSEGV here */
    } else if (strcmp(d->name, "Route") == 0) {
        char prefix[64], file[256];
        if (sscanf(d->arg, "%63s %255s", prefix, file) == 2) {
            snprintf(srv.route_prefix, sizeof srv.route_prefix, "%s", prefix);
            snprintf(srv.route_file, sizeof srv.route_file, "%s", file);
        }
    }
}

/* Read one config file.  Include and LoadHandler run while reading (EXEC_ON_READ);
 * other directives are applied at once (apply_now) or queued for a later apply phase. */
static void parse_file(const char *path, int apply_now, int depth)
{
    char buf[512];
    char *name, *arg;
    int lineno = 0;

    if (depth > 8) {
        logmsg("emerg", "Include nesting too deep at %s", path);
        exit(1);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        logmsg("emerg", "could not open configuration file %s: %s", path, strerror(errno));
        exit(1);
    }
    while (read_line(fd, buf, sizeof buf) >= 0) {
        lineno++;
        if (!split_directive(buf, &name, &arg))
            continue;
        if (strcmp(name, "Include") == 0) {
            parse_file(arg, apply_now, depth + 1);
            continue;
        }
        static const char *known[] = { "ServerName", "Listen", "Workers", "LogLevel",
                                       "Handler", "LoadHandler", "Route", NULL };
        int ok = 0;
        for (int i = 0; known[i]; i++)
            if (strcmp(known[i], name) == 0)
                ok = 1;
        if (!ok) {
            logmsg("emerg", "Syntax error on line %d of %s: Invalid command '%s'", lineno, path, name);
            exit(1);
        }
        struct directive d;
        memset(&d, 0, sizeof d);
        snprintf(d.file, sizeof d.file, "%s", path);
        d.line = lineno;
        snprintf(d.name, sizeof d.name, "%s", name);
        snprintf(d.arg, sizeof d.arg, "%s", arg);
        if (strcmp(name, "LoadHandler") == 0)
            d.loaded = load_handler(arg);
        if (apply_now) {
            apply_directive(&d);
        } else if (npending < MAX_DIRECTIVES) {
            pending[npending++] = d;
        }
    }
    close(fd);
}

/* Innocent startup noise: an optional-file probe (ENOENT) and stats of existing paths. */
static void startup_probes(void)
{
    struct stat st;
    access("conf/optional.conf", F_OK);
    stat("conf", &st);
    stat("conf/main.conf", &st);
    stat("logs", &st);
}

/* ------------------------------------------------------------------ modes */

/* 1. open: one thread, directives applied as they are read; crashes inside bad.conf. */
static int mode_open(void)
{
    open_log();
    startup_probes();
    parse_file("conf/main.conf", 1, 0);
    return 0;
}

/* 2. closed: two-phase like httpd - read every file first, apply afterwards. */
static int mode_closed(void)
{
    open_log();
    startup_probes();
    parse_file("conf/main.conf", 0, 0);
    for (int i = 0; i < npending; i++)
        apply_directive(&pending[i]);
    return 0;
}

/* 3. thread: two idle threads block in read() on pipes, a worker thread parses and crashes. */
static int blocker_pipes[2][2];

static void *blocker_main(void *arg)
{
    int idx = (int)(long)arg;
    char b[16];
    ssize_t n = read(blocker_pipes[idx][0], b, sizeof b);   /* never written */
    (void)n;
    return NULL;
}

static void *config_worker(void *arg)
{
    (void)arg;
    startup_probes();
    parse_file("conf/main.conf", 1, 0);
    return NULL;
}

static int mode_thread(void)
{
    pthread_t b0, b1, w;
    open_log();
    logmsg("notice", "confsrv starting (mode thread)");
    if (pipe(blocker_pipes[0]) < 0 || pipe(blocker_pipes[1]) < 0)
        return 1;
    pthread_create(&b0, NULL, blocker_main, (void *)0L);
    pthread_create(&b1, NULL, blocker_main, (void *)1L);
    struct timespec ts = { 0, 50 * 1000 * 1000 };  /* let both blockers enter read() */
    nanosleep(&ts, NULL);
    pthread_create(&w, NULL, config_worker, NULL);
    pthread_join(w, NULL);
    ssize_t r = write(blocker_pipes[0][1], "x", 1); /* "the end": never reached */
    r = write(blocker_pipes[1][1], "x", 1);
    (void)r;
    pthread_join(b0, NULL);
    pthread_join(b1, NULL);
    return 0;
}

/* 4. fork: the parent forks a child that reads the config and crashes; parent reaps it. */
static int mode_fork(void)
{
    open_log();
    logmsg("notice", "confsrv starting (mode fork)");
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        startup_probes();
        parse_file("conf/main.conf", 1, 0);
        _exit(0);
    }
    int st = 0;
    if (waitpid(child, &st, 0) == child && WIFSIGNALED(st)) {
        logmsg("notice", "child pid %d exit signal %s (%d)%s", (int)child,
               strsignal(WTERMSIG(st)), WTERMSIG(st), WCOREDUMP(st) ? ", possible coredump" : "");
        return 1;
    }
    return 0;
}

/* 5. http500: a request runs a script whose Include names a missing file -> HTTP 500. */
static const char http500[] = "HTTP/1.0 500 Internal Server Error\r\n";
static const char http500_hdrs[] = "Content-Length: 0\r\n\r\n";

/* Runs an open request script line by line and closes it.  Returns 0, or -1 after
 * answering 500. */
static int run_script_fd(int fd, const char *path, int cfd, int depth)
{
    char buf[512];
    char *name, *arg;
    int lineno = 0;
    while (read_line(fd, buf, sizeof buf) >= 0) {
        lineno++;
        if (!split_directive(buf, &name, &arg))
            continue;
        if (strcmp(name, "Include") == 0 && depth < 8) {
            struct stat st;
            /* resolve like PHP's include: stat, lstat, stat before the open */
            stat(arg, &st);
            lstat(arg, &st);
            stat(arg, &st);
            int ifd = open(arg, O_RDONLY | O_CLOEXEC);
            if (ifd < 0) {
                int e = errno;
                close(fd);              /* the script is aborted: referrer closed first */
                logmsg("error", "Include(%s): Failed to open stream: %s in %s on line %d",
                       arg, strerror(e), path, lineno);
                struct iovec iov[2] = {
                    { (void *)http500, sizeof http500 - 1 },
                    { (void *)http500_hdrs, sizeof http500_hdrs - 1 },
                };
                ssize_t w = writev(cfd, iov, 2);
                (void)w;
                return -1;
            }
            if (run_script_fd(ifd, arg, cfd, depth + 1) < 0) {
                close(fd);
                return -1;
            }
        }
        /* Set / Echo: nothing observable */
    }
    close(fd);
    return 0;
}

static int run_script(const char *path, int cfd)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    return run_script_fd(fd, path, cfd, 0);
}

static void *http_server(void *arg)
{
    (void)arg;
    char req[1024];
    int cfd = accept(srv.listen_fd, NULL, NULL);
    if (cfd < 0)
        return NULL;
    ssize_t n = read(cfd, req, sizeof req - 1);
    req[n > 0 ? n : 0] = '\0';
    char method[16] = "", uri[256] = "";
    sscanf(req, "%15s %255s", method, uri);
    access("conf/site/.htaccess", F_OK);   /* per-request probe noise (ENOENT) */
    if (srv.route_prefix[0] && strncmp(uri, srv.route_prefix, strlen(srv.route_prefix)) == 0) {
        if (run_script(srv.route_file, cfd) == 0) {
            static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
            ssize_t w = write(cfd, ok, sizeof ok - 1);
            (void)w;
        }
    } else {
        static const char nf[] = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        ssize_t w = write(cfd, nf, sizeof nf - 1);
        (void)w;
    }
    close(cfd);
    return NULL;
}

static void *http_client(void *arg)
{
    (void)arg;
    char buf[512];
    static const char req[] = "GET /shop HTTP/1.0\r\n\r\n";
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    if (connect(fd, (struct sockaddr *)&srv.listen_addr, sizeof srv.listen_addr) == 0) {
        ssize_t w = write(fd, req, sizeof req - 1);
        (void)w;
        while (read(fd, buf, sizeof buf) > 0)
            ;
    }
    close(fd);
    return NULL;
}

static int mode_http500(void)
{
    pthread_t s, c;
    open_log();
    startup_probes();
    parse_file("conf/main.conf", 1, 0);
    if (srv.listen_fd < 0)
        return 1;
    pthread_create(&s, NULL, http_server, NULL);
    pthread_create(&c, NULL, http_client, NULL);
    pthread_join(c, NULL);
    pthread_join(s, NULL);
    close(srv.listen_fd);
    return 0;
}

/* 6. stackoverflow: config is fine; a route-tree builder recurses without bound.
 * The big volatile frame keeps the frame count (and strace -k's backtrace) small, and
 * the work after the recursive call prevents tail-call/loop conversion. */
static int route_insert(const char *prefix, int depth)
{
    volatile char scratch[32 * 1024];
    if (prefix[0] == '\0')                     /* BUG: checks the prefix, never the depth */
        return 0;
    scratch[0] = (char)depth;
    scratch[sizeof scratch - 1] = prefix[depth % 8 == 0 ? 0 : 1];
    int r = route_insert(prefix, depth + 1);   /* unbounded: prefix never becomes "" */
    scratch[1] = (char)r;
    return scratch[0] + scratch[1] + r;
}

static int mode_stackoverflow(void)
{
    open_log();
    startup_probes();
    parse_file("conf/main.conf", 1, 0);
    return route_insert(srv.route_prefix[0] ? srv.route_prefix : "/", 0) & 1;
}

/* 7. serve: a long-running server for live attach tests.  Like httpd, a parent keeps one forked child
 * worker (with two idle threads blocked in read) and respawns it when it dies.  SIGHUP to the parent is
 * passed to the child, which re-reads conf/main.conf while applying it: if the test has made main.conf
 * include a bad file meanwhile, the child crashes inside it, and the parent logs the child's death and
 * forks a new one.  SIGUSR1 to the parent is logged (proof that a signal reached it under a tracer);
 * SIGTERM stops both. */
static volatile sig_atomic_t got_hup, got_usr1, got_term;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGUSR1)
        got_usr1 = 1;
    else
        got_term = 1;
}

static void serve_child(void)
{
    pthread_t b0, b1;
    if (pipe(blocker_pipes[0]) < 0 || pipe(blocker_pipes[1]) < 0)
        _exit(1);
    pthread_create(&b0, NULL, blocker_main, (void *)0L);
    pthread_create(&b1, NULL, blocker_main, (void *)1L);
    for (;;) {
        pause();
        if (got_term)
            _exit(0);
        if (got_hup) {
            got_hup = 0;
            logmsg("notice", "child reloading conf/main.conf");
            parse_file("conf/main.conf", 1, 0);
            logmsg("notice", "child reload done");
        }
    }
}

static int mode_serve(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;          /* no SA_RESTART: waitpid returns EINTR so the loop sees the flag */
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    open_log();
    startup_probes();
    parse_file("conf/main.conf", 1, 0);
    logmsg("notice", "confsrv serving (mode serve)");
    for (;;) {
        pid_t child = fork();
        if (child < 0)
            return 1;
        if (child == 0)
            serve_child();
        for (;;) {
            int st = 0;
            pid_t r = waitpid(child, &st, 0);
            if (got_usr1) {
                got_usr1 = 0;
                logmsg("notice", "caught SIGUSR1");
            }
            if (got_hup) {
                got_hup = 0;
                kill(child, SIGHUP);
            }
            if (got_term) {
                kill(child, SIGTERM);
                waitpid(child, &st, 0);
                logmsg("notice", "caught SIGTERM, shutting down");
                return 0;
            }
            if (r == child) {
                if (WIFSIGNALED(st))
                    logmsg("notice", "child pid %d exit signal %s (%d)", (int)child, strsignal(WTERMSIG(st)),
                           WTERMSIG(st));
                break;                  /* respawn */
            }
        }
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "open";
    if (strcmp(mode, "open") == 0)          return mode_open();
    if (strcmp(mode, "closed") == 0)        return mode_closed();
    if (strcmp(mode, "thread") == 0)        return mode_thread();
    if (strcmp(mode, "fork") == 0)          return mode_fork();
    if (strcmp(mode, "http500") == 0)       return mode_http500();
    if (strcmp(mode, "stackoverflow") == 0) return mode_stackoverflow();
    if (strcmp(mode, "serve") == 0)         return mode_serve();
    return 2;                               /* unknown mode: no output by design */
}
