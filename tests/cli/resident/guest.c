/* The guest of tests/cli/resident.sh: one program, a mode per first argument. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_sigint(int sig) { got = sig; }

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "cat";
    if (!strcmp(mode, "cat")) { /* stdin to stdout, byte for byte; the count on stderr */
        static char buf[65536];
        size_t n, total = 0;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
            fwrite(buf, 1, n, stdout);
            total += n;
        }
        fprintf(stderr, "%zu bytes\n", total);
        return 3;
    }
    if (!strcmp(mode, "exit")) return atoi(argv[2]);
    if (!strcmp(mode, "tty")) {
        printf("%d %d %d\n", isatty(0), isatty(1), isatty(2));
        return 0;
    }
    if (!strcmp(mode, "env")) {
        const char *v = getenv(argv[2]);
        printf("%s\n", v ? v : "(unset)");
        return 0;
    }
    if (!strcmp(mode, "ls")) { /* the file named, relative to the guest's / */
        FILE *f = fopen(argv[2], "r");
        if (!f) { perror(argv[2]); return 1; }
        int c;
        while ((c = fgetc(f)) != EOF) putchar(c);
        return 0;
    }
    if (!strcmp(mode, "tick")) { /* appends a line to FILE every 50 ms, for ever */
        for (int i = 0;; i++) {
            FILE *f = fopen(argv[2], "a");
            if (!f) return 1;
            fprintf(f, "%d\n", i);
            fclose(f);
            if (i == 0) { printf("ticking\n"); fflush(stdout); }
            usleep(50000);
        }
    }
    if (!strcmp(mode, "yes")) { /* writes lines for ever */
        for (;;) puts("y");
    }
    if (!strcmp(mode, "sigint")) { /* handles SIGINT itself and exits 7 */
        struct sigaction sa = {0};
        sa.sa_handler = on_sigint;
        sigaction(SIGINT, &sa, NULL);
        printf("waiting\n");
        fflush(stdout);
        while (!got) pause();
        printf("got %d\n", (int)got);
        return 7;
    }
    fprintf(stderr, "guest: unknown mode %s\n", mode);
    return 2;
}
