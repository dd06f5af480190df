/* pipes: a large transfer between processes, EOF when the writer closes, EPIPE with SIGPIPE
 * ignored and death by SIGPIPE by default, non-blocking reads, poll. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

extern char **environ;
#define TOTAL (4 << 20)

static pid_t start(char *self, char *mode, int in, int out, int closefd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (closefd >= 0) posix_spawn_file_actions_addclose(&fa, closefd);
    if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    char *a[] = {self, mode, NULL};
    pid_t pid = -1;
    posix_spawn(&pid, self, &fa, NULL, a, environ);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "produce")) {
        static char buf[65536];
        for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (char)(i * 7 + 3);
        for (int sent = 0; sent < TOTAL; sent += sizeof buf) {
            if (write(1, buf, sizeof buf) != (ssize_t)sizeof buf) return 2;
        }
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "writer")) {
        sleep(1);
        write(1, "x", 1); /* nobody reads: SIGPIPE */
        return 0;
    }
    int p[2];
    pipe(p);
    pid_t prod = start(argv[0], "produce", -1, p[1], p[0]);
    close(p[1]);
    static char buf[100000];
    long got = 0;
    uint32_t h = 0;
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
        h = fnv1a(buf, n, h);
        got += n;
    }
    printf("read %ld bytes, checksum %08x, then %s\n", got, h, n == 0 ? "EOF" : errname(errno));
    close(p[0]);
    int st;
    waitpid(prod, &st, 0);
    printf("producer exit: %d\n", WEXITSTATUS(st));

    /* EPIPE with SIGPIPE ignored */
    signal(SIGPIPE, SIG_IGN);
    pipe(p);
    close(p[0]);
    printf("write with no reader: %s\n", write(p[1], "x", 1) < 0 ? errname(errno) : "wrote");
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);

    /* a child dies of SIGPIPE */
    pipe(p);
    pid_t w = start(argv[0], "writer", -1, p[1], p[0]);
    close(p[1]);
    close(p[0]);
    waitpid(w, &st, 0);
    printf("writer: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

    /* non-blocking read and poll */
    pipe(p);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    printf("empty non-blocking read: %s\n", read(p[0], buf, 10) < 0 ? errname(errno) : "data");
    struct pollfd pf = {p[0], POLLIN, 0};
    printf("poll empty: %d\n", poll(&pf, 1, 50));
    write(p[1], "hello", 5);
    pf.revents = 0;
    int ready = poll(&pf, 1, 1000);
    printf("poll with data: %d readable %s\n", ready, yesno(pf.revents & POLLIN));
    printf("read: %d\n", (int)read(p[0], buf, sizeof buf));
    close(p[1]);
    pf.revents = 0;
    poll(&pf, 1, 1000);
    printf("after close: readable-or-hangup %s, read %d\n", yesno(pf.revents & (POLLIN | POLLHUP)), (int)read(p[0], buf, 10));
    close(p[0]);
    return 0;
}
