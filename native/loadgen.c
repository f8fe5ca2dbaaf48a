/* loadgen.c - a syscall-heavy, server-like workload to record big strace traces for the
 * parse-speed benchmark (scripts/bench-parse.sh).  It is not a fixture for any incident: it
 * never crashes and always exits 0.
 *
 *   loadgen [-t THREADS] [-d DIR] [-x] ITERATIONS
 *
 * Setup (main thread): DIR (default: a fresh mkdtemp /tmp/loadgen.XXXXXX, removed at exit)
 * gets conf/main.conf, conf/sites/site-K.conf (one per worker) and logs/.  A TCP listener is
 * bound to 127.0.0.1:0 (loopback only, ephemeral port).  THREADS (default 4) worker threads
 * each connect to it; the main thread accepts one connection per worker and starts one echo
 * thread per connection.
 *
 * Each worker then runs ITERATIONS iterations of "handle a request":
 *   stat("conf/main.conf"), access("conf/optional.conf", F_OK) -> ENOENT,
 *   lstat("conf/sites/site-K.conf"),
 *   openat/fstat/read/read(EOF)/close of conf/main.conf   (small config file, buffered read)
 *   openat/read/read(EOF)/close of conf/sites/site-K.conf
 *   stat("conf/sites/.htaccess") -> ENOENT, openat("conf/sites/missing-K.conf") -> ENOENT
 *   write(request) + read(response) on the loopback TCP connection (the echo thread does
 *     read + write on the other end)
 *   write() of one access-log line to logs/access.log (O_WRONLY|O_APPEND|O_CREAT, shared fd)
 * When done it shuts its socket down; the echo thread sees EOF and exits.
 *
 * -x (crash at the end): when worker 0 has finished its iterations (the other workers may still be
 * running) it reads conf/sites/bad.conf one byte per read() like confsrv does, and line 3,
 * "Handler nosuch", makes it call through a NULL handler: SIGSEGV (SEGV_MAPERR at 0x8) with
 * bad.conf still open.  `faultline analyze` should then name conf/sites/bad.conf line 3.  Without
 * -x loadgen always exits 0.
 *
 * There are no mutexes and no stdio in the loop, so the threads do not touch futex()
 * except when they are created and joined.  Timestamps come from clock_gettime (vDSO, no
 * syscall).  Workers and echo threads run concurrently, so an `strace -f` of loadgen has the
 * usual "<unfinished ...>" / "<... resumed>" interleaving.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 1024 /* a prefork-sized server: the memory benchmark of docs/performance.md runs 1,000 */

static long iterations;
static int nthreads = 4;
static int log_fd = -1;
static int crash_at_end;
static struct sockaddr_in srv_addr;

static const char MAIN_CONF[] =
    "# main.conf - loadgen\n"
    "ServerName loadgen.local\n"
    "Listen 127.0.0.1:0\n"
    "Workers 4\n"
    "LogLevel info\n"
    "Include conf/sites/*.conf\n"
    "KeepAliveTimeout 5\n"
    "MaxRequestsPerChild 10000\n"
    "ErrorLog logs/error.log\n"
    "CustomLog logs/access.log combined\n";

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) die(path);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) die(path);
    close(fd);
}

/* Reads a whole small file with a buffered read loop; returns bytes read or -1. */
static ssize_t slurp(const char *path, int do_fstat) {
    char buf[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (do_fstat) {
        struct stat st;
        fstat(fd, &st);
    }
    ssize_t total = 0, n;
    while ((n = read(fd, buf, sizeof buf)) > 0) total += n;
    close(fd);
    return total;
}

static int write_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

struct handler {
    const char *name;
    int (*init)(void);
};
static int static_init(void) { return 0; }
static const struct handler handlers[] = {{"static", static_init}};

/* Reads PATH one byte per read() and applies "Handler NAME" lines; an unknown NAME crashes. */
static void parse_byte_by_byte(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(path);
    char line[256];
    size_t len = 0;
    char c;
    while (read(fd, &c, 1) == 1) {
        if (c != '\n') {
            if (len < sizeof line - 1) line[len++] = c;
            continue;
        }
        line[len] = '\0';
        len = 0;
        if (strncmp(line, "Handler ", 8) == 0) {
            const struct handler *h = NULL;
            for (size_t k = 0; k < sizeof handlers / sizeof handlers[0]; k++) {
                if (strcmp(handlers[k].name, line + 8) == 0) h = &handlers[k];
            }
            h->init();   /* unknown handler: NULL->init, SIGSEGV at 0x8 */
        }
    }
    close(fd);
}

static void *echo_main(void *arg) {
    int fd = (int)(long)arg;
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        if (write_all(fd, buf, (size_t)n) < 0) break;
    }
    close(fd);
    return NULL;
}

static void *worker_main(void *arg) {
    int id = (int)(long)arg;
    char site[64], missing[64], req[256], resp[512], logline[256];

    snprintf(site, sizeof site, "conf/sites/site-%d.conf", id);
    snprintf(missing, sizeof missing, "conf/sites/missing-%d.conf", id);

    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    if (connect(s, (struct sockaddr *)&srv_addr, sizeof srv_addr) < 0) die("connect");
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    for (long i = 0; i < iterations; i++) {
        struct stat st;
        stat("conf/main.conf", &st);
        access("conf/optional.conf", F_OK);             /* ENOENT */
        lstat(site, &st);
        if (slurp("conf/main.conf", 1) < 0) die("conf/main.conf");
        if (slurp(site, 0) < 0) die(site);
        stat("conf/sites/.htaccess", &st);               /* ENOENT */
        int fd = open(missing, O_RDONLY | O_CLOEXEC);    /* ENOENT */
        if (fd >= 0) close(fd);

        int rl = snprintf(req, sizeof req,
                          "GET /site-%d/item/%ld HTTP/1.1\r\nHost: loadgen.local\r\n\r\n", id, i);
        if (write_all(s, req, (size_t)rl) < 0) die("write request");
        size_t got = 0;
        while (got < (size_t)rl) {
            ssize_t n = read(s, resp + got, sizeof resp - got);
            if (n <= 0) die("read response");
            got += (size_t)n;
        }

        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int ll = snprintf(logline, sizeof logline,
                          "127.0.0.1 - - [%ld.%06ld] \"GET /site-%d/item/%ld HTTP/1.1\" 200 %d worker=%d\n",
                          (long)ts.tv_sec, ts.tv_nsec / 1000, id, i, rl, id);
        if (write_all(log_fd, logline, (size_t)ll) < 0) die("write log");
    }
    if (crash_at_end && id == 0) parse_byte_by_byte("conf/sites/bad.conf");
    shutdown(s, SHUT_WR);
    while (read(s, resp, sizeof resp) > 0) {
    }
    close(s);
    return NULL;
}

static void usage(void) {
    fprintf(stderr, "usage: loadgen [-t THREADS] [-d DIR] [-x] ITERATIONS\n");
    exit(64);
}

static char rm_dir[256];

static void cleanup(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/conf/main.conf", rm_dir); unlink(path);
    for (int k = 0; k < nthreads; k++) {
        snprintf(path, sizeof path, "%s/conf/sites/site-%d.conf", rm_dir, k); unlink(path);
    }
    snprintf(path, sizeof path, "%s/conf/sites/bad.conf", rm_dir); unlink(path);
    snprintf(path, sizeof path, "%s/conf/sites", rm_dir); rmdir(path);
    snprintf(path, sizeof path, "%s/conf", rm_dir); rmdir(path);
    snprintf(path, sizeof path, "%s/logs/access.log", rm_dir); unlink(path);
    snprintf(path, sizeof path, "%s/logs", rm_dir); rmdir(path);
    rmdir(rm_dir);
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "t:d:x")) != -1) {
        if (opt == 't') nthreads = atoi(optarg);
        else if (opt == 'x') crash_at_end = 1;
        else if (opt == 'd') dir = optarg;
        else usage();
    }
    if (optind != argc - 1) usage();
    iterations = atol(argv[optind]);
    if (iterations < 0 || nthreads < 1 || nthreads > MAX_THREADS) usage();

    char tmpl[] = "/tmp/loadgen.XXXXXX";
    if (dir == NULL) {
        dir = mkdtemp(tmpl);
        if (dir == NULL) die("mkdtemp");
        snprintf(rm_dir, sizeof rm_dir, "%s", dir);
    } else if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        die(dir);
    }
    if (chdir(dir) < 0) die(dir);
    if (mkdir("conf", 0755) < 0 && errno != EEXIST) die("conf");
    if (mkdir("conf/sites", 0755) < 0 && errno != EEXIST) die("conf/sites");
    if (mkdir("logs", 0755) < 0 && errno != EEXIST) die("logs");
    write_file("conf/main.conf", MAIN_CONF);
    for (int k = 0; k < nthreads; k++) {
        char path[64], text[256];
        snprintf(path, sizeof path, "conf/sites/site-%d.conf", k);
        snprintf(text, sizeof text,
                 "# site-%d\nRoute /site-%d conf/site/app-%d.inc\nHandler static\nWorkers %d\n",
                 k, k, k, 2 + k);
        write_file(path, text);
    }
    write_file("conf/sites/bad.conf", "# bad.conf\nServerName bad.local\nHandler nosuch\nWorkers 2\n");
    log_fd = open("logs/access.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (log_fd < 0) die("logs/access.log");

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0) die("socket");
    memset(&srv_addr, 0, sizeof srv_addr);
    srv_addr.sin_family = AF_INET;
    srv_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* 127.0.0.1 only */
    srv_addr.sin_port = 0;
    if (bind(ls, (struct sockaddr *)&srv_addr, sizeof srv_addr) < 0) die("bind");
    socklen_t alen = sizeof srv_addr;
    if (getsockname(ls, (struct sockaddr *)&srv_addr, &alen) < 0) die("getsockname");
    if (listen(ls, MAX_THREADS) < 0) die("listen");

    pthread_t workers[MAX_THREADS], echoers[MAX_THREADS];
    for (long k = 0; k < nthreads; k++) {
        if (pthread_create(&workers[k], NULL, worker_main, (void *)k) != 0) die("pthread_create");
    }
    for (int k = 0; k < nthreads; k++) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) die("accept4");
        int one = 1;
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (pthread_create(&echoers[k], NULL, echo_main, (void *)(long)c) != 0) die("pthread_create");
    }
    close(ls);
    for (int k = 0; k < nthreads; k++) pthread_join(workers[k], NULL);
    for (int k = 0; k < nthreads; k++) pthread_join(echoers[k], NULL);
    close(log_fd);
    if (rm_dir[0]) {
        if (chdir("/") == 0) cleanup();
    }
    return 0;
}
