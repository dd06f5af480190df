/* poll.c - poll() (WASI poll_oneoff) on a regular file, on stdin (a pipe
 * with data, then at EOF), on an invalid fd, with fd -1, and as a pure
 * timeout; plus nanosleep between polls.
 *
 * Run with poll.stdin piped in. Only POLLIN/POLLOUT/POLLNVAL are printed:
 * Linux also reports POLLHUP on a drained pipe whose writer has gone,
 * which WASI can only express as a hangup flag runtimes may omit.
 */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void show(const char *label, int r, struct pollfd *p, int n) {
    if (r < 0) { printf("%s: %s\n", label, errname(errno)); return; }
    printf("%s: ret=%d", label, r);
    for (int i = 0; i < n; i++)
        printf(" [in=%d out=%d nval=%d]", !!(p[i].revents & POLLIN),
               !!(p[i].revents & POLLOUT), !!(p[i].revents & POLLNVAL));
    printf("\n");
}

int main(void) {
    long long t0 = ms_now();
    int r = poll(NULL, 0, 30);
    long long el = ms_now() - t0;
    printf("poll(no fds, 30ms): ret=%d elapsed>=30ms: %s <5s: %s\n", r, yesno(el >= 30), yesno(el < 5000));
    t0 = ms_now();
    r = poll(NULL, 0, 0);
    printf("poll(no fds, 0ms): ret=%d quick: %s\n", r, yesno(ms_now() - t0 < 1000));

    /* regular files are always ready for reading and writing */
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    lseek(fd, 0, SEEK_SET);
    struct pollfd p[3];
    p[0] = (struct pollfd){fd, POLLIN | POLLOUT, 0};
    t0 = ms_now();
    r = poll(p, 1, 5000);
    show("file POLLIN|POLLOUT", r, p, 1);
    printf("  returned before timeout: %s\n", yesno(ms_now() - t0 < 4000));
    p[0] = (struct pollfd){fd, POLLIN, 0};
    show("file POLLIN timeout 0", poll(p, 1, 0), p, 1);
    lseek(fd, 0, SEEK_END);
    p[0] = (struct pollfd){fd, POLLIN, 0};
    show("file at EOF POLLIN", poll(p, 1, 0), p, 1);

    struct timespec ten = {0, 10000000};
    nanosleep(&ten, NULL);

    /* stdin: a pipe fed by the runner; data arrives well within 10s. A blocking read of part of
     * it first: poll then still sees the rest. */
    char first[4];
    printf("stdin first read: %d bytes\n", (int)read(0, first, sizeof first));
    p[0] = (struct pollfd){0, POLLIN, 0};
    t0 = ms_now();
    r = poll(p, 1, 10000);
    show("stdin POLLIN", r, p, 1);
    printf("  returned before timeout: %s\n", yesno(ms_now() - t0 < 9000));
    char buf[256];
    size_t total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) total += (size_t)n;
    printf("stdin drained: %zu bytes\n", total);
    /* Linux reports only POLLHUP for a drained pipe; WASI poll_oneoff can only
     * say "readable, 0 bytes, hangup", which wasi-libc turns into POLLIN|POLLHUP. */
    p[0] = (struct pollfd){0, POLLIN, 0};
    r = poll(p, 1, 1000);
    printf("stdin at EOF POLLIN: ret=%d readable-or-hangup: %s\n", r, yesno(p[0].revents & (POLLIN | POLLHUP)));

    nanosleep(&ten, NULL);

    /* several fds at once; fd -1 is ignored; a closed fd gives POLLNVAL */
    int closed = open("f.txt", O_RDONLY);
    close(closed);
    p[0] = (struct pollfd){fd, POLLIN, 0};
    p[1] = (struct pollfd){-1, POLLIN, 0};
    p[2] = (struct pollfd){fd, POLLOUT, 0};
    show("file IN, -1, file OUT", poll(p, 3, 1000), p, 3);
    p[0] = (struct pollfd){closed, POLLIN, 0};
    p[1] = (struct pollfd){fd, POLLIN, 0};
    show("closed fd, file", poll(p, 2, 1000), p, 2);
    p[0] = (struct pollfd){-1, POLLIN, 0};
    t0 = ms_now();
    r = poll(p, 1, 20);
    el = ms_now() - t0;
    printf("only fd -1, 20ms: ret=%d elapsed>=20ms: %s\n", r, yesno(el >= 20));
    close(fd);
    return 0;
}
