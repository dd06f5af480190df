/* pipe_partial: a read or write on a pipe returns what it did. A read returns what is there once
 * something is (blocking or not, with one buffer or several); a non-blocking write returns the
 * part that fit; a blocking write returns it all, or the part written before a signal. Several
 * writers of PIPE_BUF records never interleave within a record; several readers share the data
 * without losing or repeating a byte. (The counts that depend on the pipe's capacity, 64 KiB on
 * Linux and 256 KiB on Arca, are printed as facts about them.) */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common.h"

extern char **environ;

#define WAITING 65536 /* fits in an empty pipe on Linux and on Arca */

static unsigned char src[1 << 20];

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void nonblock(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reads everything there is now from a non-blocking fd; returns the count, checks it against src. */
static long drain(int fd, long expect_from) {
    static unsigned char buf[1 << 20];
    long got = 0;
    ssize_t n;
    while ((n = read(fd, buf + got, sizeof buf - got)) > 0) got += n;
    if (memcmp(buf, src + expect_from, got) != 0) printf("drained bytes differ from what was written\n");
    return got;
}

static pid_t spawn(char *self, char *mode, char *arg, int in, int out, int closefd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (in >= 0) posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    if (closefd >= 0) posix_spawn_file_actions_addclose(&fa, closefd);
    char *a[] = {self, mode, arg, NULL};
    pid_t pid = -1;
    posix_spawn(&pid, self, &fa, NULL, a, environ);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static volatile sig_atomic_t signalled;
static void on_usr1(int sig) {
    (void)sig;
    signalled = 1;
}

/* Child modes: "count FILE" reads stdin to EOF and records count and sum in FILE; "writer ID"
 * writes 200 records of PIPE_BUF bytes of ID; "stuck FILE" writes 1 MiB into a pipe nobody
 * reads until a signal, and records what write returned. */
static int child(char *mode, char *arg) {
    static unsigned char buf[1 << 16];
    if (!strcmp(mode, "count")) {
        long got = 0;
        unsigned long sum = 0;
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++) sum += buf[i];
            got += n;
        }
        FILE *f = fopen(arg, "w");
        fprintf(f, "%ld %lu\n", got, sum);
        fclose(f);
        return 0;
    }
    if (!strcmp(mode, "writer")) {
        memset(buf, arg[0], PIPE_BUF);
        for (int i = 0; i < 200; i++) {
            if (write(1, buf, PIPE_BUF) != PIPE_BUF) return 1;
        }
        return 0;
    }
    if (!strcmp(mode, "stuck")) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1; /* no SA_RESTART */
        sigaction(SIGUSR1, &sa, NULL);
        for (int i = 0; i < (int)sizeof src; i++) src[i] = (unsigned char)(i * 7 + i / 251);
        ssize_t n = write(1, src, sizeof src);
        int e = errno;
        FILE *f = fopen(arg, "w");
        fprintf(f, "%ld %d %d\n", (long)n, n < 0 ? e : 0, (int)signalled);
        fclose(f);
        return 0;
    }
    return 99;
}

int main(int argc, char **argv) {
    if (argc > 2) return child(argv[1], argv[2]);
    for (int i = 0; i < (int)sizeof src; i++) src[i] = (unsigned char)(i * 7 + i / 251);
    static unsigned char buf[1 << 20];
    int p[2];
    ssize_t n;

    /* a non-blocking read of more than is there returns what is there */
    pipe(p);
    write(p[1], src, WAITING);
    nonblock(p[0]);
    n = read(p[0], buf, 100000);
    printf("non-blocking read of 100000 with %d waiting: %ld, same bytes: %s\n", WAITING, (long)n,
           yesno(n == WAITING && !memcmp(buf, src, WAITING)));
    n = read(p[0], buf, 100000);
    printf("then: %s\n", n < 0 ? errname(errno) : "data");
    close(p[0]);
    close(p[1]);

    /* a blocking read returns what is there too, without waiting for the rest */
    pipe(p);
    write(p[1], src, WAITING);
    n = read(p[0], buf, 100000);
    printf("blocking read of 100000 with %d waiting: %ld\n", WAITING, (long)n);
    write(p[1], src, 10);
    n = read(p[0], buf, 3 * WAITING);
    printf("blocking read of %d with 10 waiting: %ld\n", 3 * WAITING, (long)n);

    /* readv over three buffers of 40000 */
    write(p[1], src, WAITING);
    struct iovec iov[3];
    for (int i = 0; i < 3; i++) iov[i] = (struct iovec){buf + i * 40000, 40000};
    n = readv(p[0], iov, 3);
    printf("readv of 3 x 40000 with %d waiting: %ld, same bytes: %s\n", WAITING, (long)n,
           yesno(n == WAITING && !memcmp(buf, src, WAITING)));
    close(p[0]);
    close(p[1]);

    /* a non-blocking write of more than fits writes what fits and says so */
    pipe(p);
    nonblock(p[0]);
    nonblock(p[1]);
    n = write(p[1], src, 300000);
    printf("non-blocking write of 300000: partial: %s\n", yesno(n > 0 && n < 300000));
    long capacity = n;
    ssize_t again = write(p[1], src, 300000);
    printf("then: %s\n", again < 0 ? errname(errno) : "wrote");
    printf("reading it back gives what write returned: %s\n", yesno(drain(p[0], 0) == capacity));

    /* the same with writev over five buffers */
    struct iovec wv[5];
    for (int i = 0; i < 5; i++) wv[i] = (struct iovec){src + i * 60000, 60000};
    n = writev(p[1], wv, 5);
    printf("non-blocking writev of 5 x 60000: partial: %s, the pipe's capacity: %s\n", yesno(n > 0 && n < 300000),
           yesno(n == capacity));
    printf("reading it back gives what writev returned: %s\n", yesno(drain(p[0], 0) == n));
    close(p[0]);
    close(p[1]);

    /* a blocking write of 300000 with a reader is written whole */
    pipe(p);
    pid_t r = spawn(argv[0], "count", "count.out", p[0], -1, p[1]);
    close(p[0]);
    n = write(p[1], src, 300000);
    close(p[1]);
    int st;
    waitpid(r, &st, 0);
    long got = -1;
    unsigned long sum = 0, want = 0;
    FILE *f = fopen("count.out", "r");
    if (f) {
        fscanf(f, "%ld %lu", &got, &sum);
        fclose(f);
    }
    for (int i = 0; i < 300000; i++) want += src[i];
    printf("blocking write of 300000 to a reader: %ld; the reader got %ld, same sum: %s\n", (long)n, got, yesno(sum == want));

    /* a blocking write stopped by a signal returns what it wrote */
    pipe(p);
    pid_t w = spawn(argv[0], "stuck", "stuck.out", -1, p[1], p[0]);
    close(p[1]);
    /* once data comes, the child is inside its write (a handler runs only between calls); let it
       fill the pipe and block, then signal it */
    struct pollfd pf = {p[0], POLLIN, 0};
    poll(&pf, 1, 20000);
    nap(300);
    kill(w, SIGUSR1);
    waitpid(w, &st, 0);
    long wrote = -2;
    int err = -1, handled = 0;
    f = fopen("stuck.out", "r");
    if (f) {
        fscanf(f, "%ld %d %d", &wrote, &err, &handled);
        fclose(f);
    }
    nonblock(p[0]);
    long drained = drain(p[0], 0);
    printf("blocking write of 1 MiB stopped by a signal: %s; handler ran: %s; reader gets what it returned: %s\n",
           wrote > 0 && wrote < (1 << 20) ? "partial" : wrote < 0 ? errname(err) : "whole", yesno(handled),
           yesno(drained == wrote));
    close(p[0]);

    /* four writers of PIPE_BUF records: no record is split by another writer's */
    pipe(p);
    pid_t ws[4];
    char *ids[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) ws[i] = spawn(argv[0], "writer", ids[i], -1, p[1], p[0]);
    close(p[1]);
    long total = 0;
    int torn = 0, records = 0;
    static unsigned char rec[PIPE_BUF];
    int fill = 0;
    while ((n = read(p[0], buf, 100000)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            rec[fill++] = buf[i];
            if (fill == PIPE_BUF) {
                for (int j = 1; j < PIPE_BUF; j++) torn |= rec[j] != rec[0];
                records++;
                fill = 0;
            }
        }
        total += n;
    }
    for (int i = 0; i < 4; i++) waitpid(ws[i], &st, 0);
    close(p[0]);
    printf("four writers: %ld bytes, %d records, none torn: %s\n", total, records, yesno(!torn && fill == 0));

    /* three readers of one pipe: together they get every byte once */
    pipe(p);
    pid_t rs[3];
    char *outs[] = {"r0.out", "r1.out", "r2.out"};
    for (int i = 0; i < 3; i++) rs[i] = spawn(argv[0], "count", outs[i], p[0], -1, p[1]);
    close(p[0]);
    for (int k = 0; k < 4; k++) write(p[1], src, sizeof src);
    close(p[1]);
    long all = 0;
    unsigned long sums = 0;
    for (int i = 0; i < 3; i++) {
        waitpid(rs[i], &st, 0);
        f = fopen(outs[i], "r");
        if (f) {
            long c = 0;
            unsigned long s = 0;
            fscanf(f, "%ld %lu", &c, &s);
            all += c;
            sums += s;
            fclose(f);
        }
    }
    want = 0;
    for (int i = 0; i < (int)sizeof src; i++) want += src[i];
    printf("three readers of 4 MiB: %ld bytes in all, same sum: %s\n", all, yesno(sums == 4 * want));
    return 0;
}
