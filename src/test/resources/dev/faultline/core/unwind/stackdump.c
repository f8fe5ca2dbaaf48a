/*
 * Test program for CfiUnwinderTest (x86_64 Linux only). Built at test time with
 *   gcc -O2 -g -fomit-frame-pointer -fasynchronous-unwind-tables
 * so frame-pointer walking can't work and only the CFI can unwind it.
 *
 * usage: stackdump plain|segv|raise OUT
 *   plain: main -> f1 -> f2 -> f3 -> snapshot()
 *   segv:  main -> f1 -> f2 -> f3 -> crash() faults; the SIGSEGV handler calls snapshot()
 *   raise: main -> f1 -> f2 -> f3 -> raise(SIGUSR1) (inside libc); the handler calls snapshot()
 *
 * snapshot() records the registers and a copy of the stack at one instruction of capture_state() (a hand-written
 * function with its own CFI), then asks glibc's backtrace() (libgcc's unwinder: an independent oracle) for the
 * return addresses. OUT gets the registers, the backtrace and /proc/self/maps as text; OUT.stack the stack bytes.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DWARF register numbering: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip */
struct regs { uint64_t r[17]; };

void capture_state(struct regs *out, unsigned char *buf, uintptr_t stack_end, uint64_t bufsize, uint64_t *len);

/*
 * Stores every register as of the instruction at capture_pc (rsp is unchanged there, so the CFA is rsp+8 and the
 * return address is at [rsp]), then copies the stack from rsp up to stack_end (at most bufsize bytes) without
 * making any call, so the stack below the callers' frames is captured before anything overwrites it.
 */
__asm__(
    ".text\n"
    ".globl capture_state\n"
    ".type capture_state,@function\n"
    "capture_state:\n"
    "  .cfi_startproc\n"
    "  movq %rax, 0(%rdi)\n"
    "  movq %rdx, 8(%rdi)\n"
    "  movq %rcx, 16(%rdi)\n"
    "  movq %rbx, 24(%rdi)\n"
    "  movq %rsi, 32(%rdi)\n"
    "  movq %rdi, 40(%rdi)\n"
    "  movq %rbp, 48(%rdi)\n"
    "  movq %rsp, 56(%rdi)\n"
    "  movq %r8, 64(%rdi)\n"
    "  movq %r9, 72(%rdi)\n"
    "  movq %r10, 80(%rdi)\n"
    "  movq %r11, 88(%rdi)\n"
    "  movq %r12, 96(%rdi)\n"
    "  movq %r13, 104(%rdi)\n"
    "  movq %r14, 112(%rdi)\n"
    "  movq %r15, 120(%rdi)\n"
    "  leaq capture_pc(%rip), %rax\n"
    "  movq %rax, 128(%rdi)\n"
    "  movq %rdx, %rax\n"
    "  subq %rsp, %rax\n"
    "  cmpq %rcx, %rax\n"
    "  cmova %rcx, %rax\n"
    "  movq %rax, (%r8)\n"
    "  movq %rax, %rcx\n"
    "  movq %rsi, %rdi\n"
    "  movq %rsp, %rsi\n"
    "  cld\n"
    "  rep movsb\n"
    ".globl capture_pc\n"
    "capture_pc:\n"
    "  ret\n"
    "  .cfi_endproc\n"
    ".size capture_state, .-capture_state\n");

static struct regs captured;
static unsigned char stack_copy[4 << 20];
static uint64_t stack_len;
static uintptr_t stack_end;
static const char *out_path;
volatile int sink;

static void find_stack_end(void) {
    char line[4096];
    FILE *m = fopen("/proc/self/maps", "r");
    if (!m) { perror("maps"); exit(2); }
    while (fgets(line, sizeof line, m)) {
        if (strstr(line, "[stack]")) {
            unsigned long lo, hi;
            sscanf(line, "%lx-%lx", &lo, &hi);
            stack_end = hi;
        }
    }
    fclose(m);
    if (!stack_end) { fprintf(stderr, "no [stack]\n"); exit(2); }
}

static void write_dump(void **bt, int n) {
    char line[4096], bin[4096];
    FILE *f = fopen(out_path, "w");
    if (!f) { perror(out_path); _exit(2); }
    for (int i = 0; i < 17; i++) fprintf(f, "reg %d %lx\n", i, (unsigned long) captured.r[i]);
    fprintf(f, "stack %lx %lx\n", (unsigned long) captured.r[7], (unsigned long) stack_len);
    for (int i = 0; i < n; i++) fprintf(f, "bt %lx\n", (unsigned long) (uintptr_t) bt[i]);
    FILE *m = fopen("/proc/self/maps", "r");
    while (m && fgets(line, sizeof line, m)) fprintf(f, "map %s", line);
    if (m) fclose(m);
    fclose(f);
    snprintf(bin, sizeof bin, "%s.stack", out_path);
    FILE *s = fopen(bin, "wb");
    if (!s || fwrite(stack_copy, 1, stack_len, s) != stack_len) { perror(bin); _exit(2); }
    fclose(s);
}

__attribute__((noinline)) void snapshot(void) {
    void *bt[128];
    capture_state(&captured, stack_copy, stack_end, sizeof stack_copy, &stack_len);
    int n = backtrace(bt, 128);
    write_dump(bt, n);
}

static void handler(int sig, siginfo_t *si, void *uc) {
    (void) sig; (void) si; (void) uc;
    snapshot();
    _exit(0); /* can't return into the faulting instruction */
}

__attribute__((noinline)) void crash(int x) {
    volatile int *volatile p = 0;
    sink = x;
    *p = x; /* SIGSEGV: the interrupted pc is this store, exactly */
    sink = x + 1;
}

/* Different frame sizes and callee-saved registers in each level; the "+ n" keeps the calls out of tail position. */
__attribute__((noinline, noclone)) int f3(const char *mode, int n) {
    volatile char pad[40];
    pad[n & 31] = (char) n;
    if (strcmp(mode, "segv") == 0) crash(n);
    else if (strcmp(mode, "raise") == 0) raise(SIGUSR1);
    else snapshot();
    return pad[n & 31] + n;
}

__attribute__((noinline, noclone)) int f2(const char *mode, int n) {
    volatile long pad[37];
    pad[n % 37] = n;
    int r = f3(mode, n + 1);
    return r + (int) pad[n % 37];
}

__attribute__((noinline, noclone)) int f1(const char *mode, int n) {
    volatile int pad[300];
    pad[n % 300] = n;
    int r = f2(mode, n * 3);
    return r + pad[n % 300] + sink;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s plain|segv|raise OUT\n", argv[0]); return 2; }
    out_path = argv[2];
    find_stack_end();
    void *warm[4];
    backtrace(warm, 4); /* loads libgcc_s now rather than inside a signal handler */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    int r = f1(argv[1], argc);
    printf("%d\n", r);
    return 0;
}
