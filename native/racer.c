/*
 * racer: a fork/clone storm of tasks that die before a tracer can look at them (issue #10, item A).
 *
 *   racer [SECONDS] [MODE]
 *
 * For SECONDS (default 2), in a tight loop: fork a child that forks a grandchild and starts a thread, then
 * exits at once without joining or waiting (MODE "exit", the default); or fork a child that does the same while
 * the parent SIGKILLs it right away (MODE "kill"). The parent reaps each child; grandchildren are reparented.
 * A tracer sees PTRACE_EVENT_FORK/CLONE for tasks that are already gone when it first touches them (ESRCH).
 * Prints the number of children it made.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *nothing(void *arg) {
    return arg;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    int kill_them = argc > 2 && strcmp(argv[2], "kill") == 0;
    double end = now() + seconds;
    long children = 0;
    while (now() < end) {
        pid_t child = fork();
        if (child < 0) {
            continue;
        }
        if (child == 0) {
            pid_t grandchild = fork();
            if (grandchild == 0) {
                _exit(0);
            }
            pthread_t thread;
            pthread_create(&thread, NULL, nothing, NULL);
            _exit(0);
        }
        if (kill_them) {
            kill(child, SIGKILL);
        }
        waitpid(child, NULL, 0);
        children++;
    }
    printf("%ld children\n", children);
    return 0;
}
