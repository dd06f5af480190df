/* A guest for the Java API's tests: one small command per argv[1]. Built by the tests with arca cc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile int zero = 0;
static void *volatile head; /* keeps allocations observed, so they are not elided */

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "echo")) { /* echo ARGS...: prints argv[0] and the rest, one per line */
        for (int i = 0; i < argc; i++) printf("%s\n", i == 1 ? "-" : argv[i]);
        return 0;
    }
    if (!strcmp(cmd, "env")) { /* env NAME: its value, or "(unset)" */
        const char *v = getenv(argv[2]);
        printf("%s\n", v ? v : "(unset)");
        return 0;
    }
    if (!strcmp(cmd, "exit")) return atoi(argv[2]);
    if (!strcmp(cmd, "cat")) { /* stdin to stdout, then "bytes N" to stderr */
        char buf[4096];
        long total = 0;
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) { fwrite(buf, 1, n, stdout); total += n; }
        fprintf(stderr, "bytes %ld\n", total);
        return 0;
    }
    if (!strcmp(cmd, "write")) { /* write PATH TEXT */
        FILE *f = fopen(argv[2], "w");
        if (!f) { printf("open: %s\n", strerror(errno)); return 1; }
        fputs(argv[3], f);
        return fclose(f) ? 1 : 0;
    }
    if (!strcmp(cmd, "read")) { /* read PATH: prints its content */
        FILE *f = fopen(argv[2], "r");
        if (!f) { printf("open: %s\n", strerror(errno)); return 1; }
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        if (ferror(f)) { printf("read: %s\n", strerror(errno)); return 1; }
        buf[n] = 0;
        printf("%s\n", buf);
        return 0;
    }
    if (!strcmp(cmd, "trap")) return 10 / zero;
    if (!strcmp(cmd, "spin")) { for (;;) zero = zero; }
    if (!strcmp(cmd, "grow")) { /* allocate until stopped (or malloc fails: exit 3) */
        for (;;) {
            char *p = malloc(1 << 20);
            if (!p) return 3;
            memset(p, 1, 1 << 20);
            *(void **) p = head;
            head = p;
        }
    }
    if (!strcmp(cmd, "wait-file")) { /* wait-file PATH: until PATH has content, then prints it */
        struct timespec ts = {0, 10 * 1000 * 1000};
        struct stat st;
        /* not just until it exists: the writer creates it before it writes (a loaded machine showed it) */
        while (stat(argv[2], &st) != 0 || st.st_size == 0) nanosleep(&ts, NULL);
        FILE *f = fopen(argv[2], "r");
        char buf[256] = {0};
        if (f) { fgets(buf, sizeof buf, f); fclose(f); }
        printf("got %s\n", buf);
        return 0;
    }
    if (!strcmp(cmd, "read-stdin")) { /* blocks on one read of stdin */
        char c;
        return (int) read(0, &c, 1);
    }
    return 2;
}
