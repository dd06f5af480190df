/* pipe_hostile: what a pipe must survive now that a writer may copy straight into a waiting
 * reader's buffer. A buffer pointer out of bounds fails with EFAULT and moves nothing; a reader
 * killed while it waits (its buffer posted to the pipe) leaves the pipe whole for the next
 * reader; a reader killed while a writer streams into it ends the writer with SIGPIPE; a parent
 * blocked reading a pipe whose writer is killed reads end of file. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn(char *self, char *mode, int in, int out, int closefd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    if (closefd >= 0) posix_spawn_file_actions_addclose(&fa, closefd);
    char *a[] = {self, mode, NULL};
    pid_t pid = -1;
    posix_spawn(&pid, self, &fa, NULL, a, environ);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static const char *how(int st) {
    static char b[64];
    if (WIFEXITED(st)) snprintf(b, sizeof b, "exit %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "signal %s", WTERMSIG(st) == SIGKILL ? "SIGKILL" : WTERMSIG(st) == SIGPIPE ? "SIGPIPE" : "other");
    else snprintf(b, sizeof b, "other");
    return b;
}

static int child(char *mode) {
    static char buf[1 << 16];
    if (!strcmp(mode, "reader")) { /* reads forever */
        while (read(0, buf, sizeof buf) > 0) {
        }
        return 0;
    }
    if (!strcmp(mode, "streamer")) { /* writes forever */
        signal(SIGPIPE, SIG_DFL); /* the parent ignores it, and exec keeps that on Linux */
        memset(buf, 's', sizeof buf);
        while (write(1, buf, sizeof buf) > 0) {
        }
        return 3;
    }
    if (!strcmp(mode, "doomed")) { /* holds the write end, then is killed by SIGKILL */
        nap(100);
        kill(getpid(), SIGKILL);
        nap(10000);
        return 0;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 1) return child(argv[1]);
    signal(SIGPIPE, SIG_IGN);
    int p[2], st;
    char buf[256];
    void *bad = (void *)(uintptr_t)0xFFFFFF00u;

    /* EFAULT: nothing written, nothing read, nothing lost */
    pipe(p);
    ssize_t n = write(p[1], bad, 4096);
    printf("write from a bad pointer: %s\n", n < 0 ? errname(errno) : "accepted");
    write(p[1], "0123456789", 10);
    n = read(p[0], bad, 10);
    printf("read into a bad pointer: %s\n", n < 0 ? errname(errno) : "accepted");
    n = read(p[0], buf, sizeof buf);
    printf("then a good read: %ld bytes, %s\n", (long)n, n == 10 && !memcmp(buf, "0123456789", 10) ? "the same" : "different");
    close(p[0]);
    close(p[1]);

    /* a reader killed while it waits on an empty pipe: the next bytes go to the next reader */
    pipe(p);
    pid_t r = spawn(argv[0], "reader", p[0], -1, p[1]);
    nap(100); /* the reader is waiting now */
    kill(r, SIGKILL);
    waitpid(r, &st, 0);
    printf("waiting reader: %s\n", how(st));
    write(p[1], "abcdef", 6);
    n = read(p[0], buf, sizeof buf);
    printf("after it, the parent reads %ld bytes, %s\n", (long)n, n == 6 && !memcmp(buf, "abcdef", 6) ? "the same" : "different");
    close(p[0]);
    close(p[1]);

    /* a reader killed while a writer streams into it: the writer ends with SIGPIPE */
    pipe(p);
    pid_t w = spawn(argv[0], "streamer", -1, p[1], p[0]);
    r = spawn(argv[0], "reader", p[0], -1, p[1]);
    close(p[0]);
    close(p[1]);
    nap(200);
    kill(r, SIGKILL);
    waitpid(r, &st, 0);
    printf("streaming reader: %s\n", how(st));
    waitpid(w, &st, 0);
    printf("its writer: %s\n", how(st));

    /* a parent blocked reading while its writer is killed: end of file */
    pipe(p);
    w = spawn(argv[0], "doomed", -1, p[1], p[0]);
    close(p[1]);
    n = read(p[0], buf, sizeof buf);
    printf("blocked read when the writer is killed: %ld\n", (long)n);
    waitpid(w, &st, 0);
    printf("the writer: %s\n", how(st));
    close(p[0]);
    return 0;
}
