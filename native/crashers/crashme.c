/* crashme.c - crashes in well-defined ways, to produce REAL core dumps for the core-reader tests
 * (native/make-core.sh runs it with `ulimit -c unlimited` and collects the core).
 *
 *   crashme MODE
 *
 * Before crashing, every mode prints exactly one machine-readable line to stderr and flushes it:
 *
 *   crashme: mode=MODE pid=PID tid=TID addr=ADDR func=FUNC
 *
 *   PID   getpid()
 *   TID   gettid() of the thread that crashes (faults, or calls abort())
 *   ADDR  the expected fault address (si_addr of the real fault) as 0x%lx, or "-" when there is
 *         none known in advance (abort: SIGABRT has no address; stackoverflow: somewhere in the
 *         guard gap below the stack, which depends on ASLR and the stack limit)
 *   FUNC  the C function in which the crash happens (for inlib the libcrashlib.so function, for
 *         libc-from-lib the libcrashlib.so function that called libc; for abort the function that
 *         calls assert(); for stackoverflow the recursing function)
 *
 * (abort mode also lets glibc print its own "crashme: FILE:LINE: crash_abort: Assertion ..."
 * line afterwards; parse the line starting with "crashme: mode=".)
 *
 * Modes:
 *   deadbeef       single thread, crash_deadbeef() writes to (int *)0xdeadbeef.
 *   nullmember     crash_nullmember() reads struct member `port` (offset 4) through a NULL
 *                  struct pointer: si_addr 0x4.
 *   thread3of5     5 worker threads; 1 and 2 block in pthread_cond_wait(), 4 and 5 in
 *                  nanosleep(), the main thread in pthread_join(); worker 3 waits on a barrier
 *                  with the others, sleeps 200 ms (so that they are surely blocked) and then
 *                  crash_thread_deadbeef() writes to 0xdeadbeef.  6 threads in the core.
 *   inlib          crashlib_parse_value() in libcrashlib.so writes to NULL + 0x10.
 *   libc-from-lib  crashlib_measure_name() in libcrashlib.so calls strlen((char *)0x40): the pc
 *                  is in libc's strlen, si_addr 0x40.
 *   abort          crash_abort(): assert(0 && ...) -> SIGABRT (si_code SI_TKILL, no address).
 *   stackoverflow  crash_stack_recurse(): non-tail recursion with a 1 KiB local array until the
 *                  stack limit (ulimit -s) is hit: SIGSEGV in the guard gap below the stack.
 *   reraise        a SIGSEGV handler like httpd's sig_coredump (crashme_sig_coredump: signal(sig,
 *                  SIG_DFL); kill(getpid(), sig); return) is installed; crash_reraise() writes to
 *                  0xdeadbeef.  The handler re-raises and returns; the pending SIGSEGV is
 *                  delivered at rt_sigreturn, with the registers restored to the faulting
 *                  instruction.  The core's NT_SIGINFO says SI_USER (si_pid = own pid); the real
 *                  fault (SEGV_MAPERR, 0xdeadbeef) only survives in the stale rt_sigframe below the
 *                  stack pointer.
 *   reraise-mt     the same handler; worker 3 of 5 (as in thread3of5) faults in
 *                  crash_reraise_thread().  kill() is process-directed, so the kernel may
 *                  deliver the re-raised SIGSEGV to (and dump from) another thread.
 *   reraise-mt-linger  the same, but the handler sleeps after kill(), so another thread always
 *                  takes the signal and dumps first; the crashing thread sits in nanosleep inside
 *                  the handler, its signal frame live above its stack pointer.
 *   bigcore        mmap()s 1152 MiB anonymous (PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|
 *                  MAP_NORESERVE), touches one byte every 64 MiB, then crash_bigcore() writes to
 *                  0xdeadbeef.  The core is > 1 GiB apparent size but sparse on disk.
 *
 * Built by native/Makefile with -g -O0 -fno-omit-frame-pointer -pthread, linked against
 * native/build/libcrashlib.so with rpath $ORIGIN.  Every crashing function is global and
 * noinline, so that it keeps its name in .symtab.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define DEADBEEF ((uintptr_t)0xdeadbeefUL)
#define NTHREADS 5
#define CRASH_THREAD 3            /* 1-based: the 3rd thread created */

/* libcrashlib.so */
extern int crashlib_parse_value(const char *text);
extern size_t crashlib_measure_name(void);

static const char *mode;

static long my_tid(void) { return (long)syscall(SYS_gettid); }

/* The one machine-readable line; addr 0 prints "-". */
static void announce(uintptr_t addr, const char *func)
{
    char a[32];
    if (addr) snprintf(a, sizeof a, "0x%lx", (unsigned long)addr);
    else snprintf(a, sizeof a, "-");
    fprintf(stderr, "crashme: mode=%s pid=%ld tid=%ld addr=%s func=%s\n",
            mode, (long)getpid(), my_tid(), a, func);
    fflush(stderr);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) { }
}

/* ---- single-thread crashes ---------------------------------------------------------------- */

NOINLINE void crash_deadbeef(void)
{
    *(volatile int *)DEADBEEF = 42;
}

struct crash_listener {
    int fd;         /* offset 0 */
    int port;       /* offset 4 */
    char name[8];
};

static struct crash_listener *volatile crash_no_listener = NULL;

NOINLINE int crash_nullmember(void)
{
    volatile struct crash_listener *l = crash_no_listener;
    return l->port;                 /* read from NULL + 4 */
}

NOINLINE void crash_abort(void)
{
    assert(0 && "crashme: abort mode");
}

/* Never reached (volatile, so gcc cannot see that the recursion is unbounded). */
static volatile int recurse_max_depth = 0x7fffffff;

NOINLINE int crash_stack_recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)(depth >> 8);
    if (depth >= recurse_max_depth) return frame[0];
    /* not a tail call: the result is used after the call returns */
    return crash_stack_recurse(depth + 1) + frame[0] + frame[sizeof frame - 1];
}

NOINLINE void crash_reraise(void)
{
    *(volatile int *)DEADBEEF = 7;
}

NOINLINE void crash_bigcore(void)
{
    *(volatile int *)DEADBEEF = 1;
}

/* ---- httpd-style re-raising SIGSEGV handler ------------------------------------------------ */

/* Like httpd's sig_coredump(): back to the default action, re-raise at the whole process, return. */
static volatile int reraise_linger;

NOINLINE void crashme_sig_coredump(int sig)
{
    signal(sig, SIG_DFL);
    kill(getpid(), sig);
    if (reraise_linger) {
        /* reraise-mt-linger: stay in the handler (SIGSEGV blocked) so another thread must take the
         * re-raised signal and dump: an innocent dumping thread, every time. */
        struct timespec ts = { 5, 0 };
        nanosleep(&ts, NULL);
    }
}

static void install_reraise_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crashme_sig_coredump;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (sigaction(SIGSEGV, &sa, NULL) != 0) { perror("crashme: sigaction"); exit(2); }
}

/* ---- five threads, the third one crashes -------------------------------------------------- */

static pthread_barrier_t start_barrier;
static pthread_mutex_t never_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cond = PTHREAD_COND_INITIALIZER;
static int reraise_mt;

NOINLINE void crash_thread_deadbeef(void)
{
    *(volatile int *)DEADBEEF = 3;
}

NOINLINE void crash_reraise_thread(void)
{
    *(volatile int *)DEADBEEF = 5;
}

NOINLINE void worker_wait_cond(void)
{
    pthread_mutex_lock(&never_mutex);
    for (;;) pthread_cond_wait(&never_cond, &never_mutex);   /* never signalled */
}

NOINLINE void worker_sleep(void)
{
    for (;;) sleep_ms(3600 * 1000L);
}

static void *worker_main(void *arg)
{
    int n = (int)(intptr_t)arg;     /* 1..NTHREADS, in creation order */
    pthread_barrier_wait(&start_barrier);
    if (n == CRASH_THREAD) {
        sleep_ms(200);               /* the others are blocked by now */
        if (reraise_mt) {
            announce(DEADBEEF, "crash_reraise_thread");
            crash_reraise_thread();
        } else {
            announce(DEADBEEF, "crash_thread_deadbeef");
            crash_thread_deadbeef();
        }
        return NULL;
    }
    if (n <= 2) worker_wait_cond();
    else worker_sleep();
    return NULL;
}

static void run_threads(void)
{
    pthread_t th[NTHREADS];
    pthread_barrier_init(&start_barrier, NULL, NTHREADS);
    for (int i = 0; i < NTHREADS; i++) {
        int rc = pthread_create(&th[i], NULL, worker_main, (void *)(intptr_t)(i + 1));
        if (rc != 0) { fprintf(stderr, "crashme: pthread_create: %s\n", strerror(rc)); exit(2); }
    }
    pthread_join(th[CRASH_THREAD - 1], NULL);   /* main blocks here */
}

/* ---- main ---------------------------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: crashme MODE\n  MODE: deadbeef nullmember thread3of5 inlib libc-from-lib "
                    "abort stackoverflow reraise reraise-mt reraise-mt-linger bigcore\n");
    exit(64);
}

int main(int argc, char **argv)
{
    if (argc != 2) usage();
    mode = argv[1];

    if (strcmp(mode, "deadbeef") == 0) {
        announce(DEADBEEF, "crash_deadbeef");
        crash_deadbeef();
    } else if (strcmp(mode, "nullmember") == 0) {
        announce(offsetof(struct crash_listener, port), "crash_nullmember");
        crash_nullmember();
    } else if (strcmp(mode, "thread3of5") == 0) {
        run_threads();
    } else if (strcmp(mode, "inlib") == 0) {
        announce(0x10, "crashlib_parse_value");
        crashlib_parse_value("42");
    } else if (strcmp(mode, "libc-from-lib") == 0) {
        announce(0x40, "crashlib_measure_name");
        crashlib_measure_name();
    } else if (strcmp(mode, "abort") == 0) {
        announce(0, "crash_abort");
        crash_abort();
    } else if (strcmp(mode, "stackoverflow") == 0) {
        announce(0, "crash_stack_recurse");
        crash_stack_recurse(0);
    } else if (strcmp(mode, "reraise") == 0) {
        install_reraise_handler();
        announce(DEADBEEF, "crash_reraise");
        crash_reraise();
    } else if (strcmp(mode, "reraise-mt") == 0 || strcmp(mode, "reraise-mt-linger") == 0) {
        reraise_linger = strcmp(mode, "reraise-mt-linger") == 0;
        install_reraise_handler();
        reraise_mt = 1;
        run_threads();
    } else if (strcmp(mode, "bigcore") == 0) {
        size_t step = (size_t)64 << 20, len = (size_t)1152 << 20;   /* 18 x 64 MiB = 1.125 GiB */
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) { perror("crashme: mmap"); return 2; }
        for (size_t off = 0; off < len; off += step) p[off] = (char)(1 + off / step);
        announce(DEADBEEF, "crash_bigcore");
        crash_bigcore();
    } else {
        usage();
    }
    fprintf(stderr, "crashme: mode %s did not crash\n", mode);
    return 1;
}
