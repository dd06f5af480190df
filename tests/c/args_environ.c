/* args_environ.c - WASI args_get/args_sizes_get and environ_get/environ_sizes_get.
 *
 * Run with the arguments in args_environ.args (including an empty one, one
 * with spaces, non-ASCII UTF-8 and an option-looking "--dir" that the runner
 * must pass through to the program) and with exactly the variables
 * ARCA_TEST=1 plus those in args_environ.env. argv[0] is not printed: it is
 * the binary path natively and the program name under a wasm runtime.
 */
#include "common.h"
#include <stdlib.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc: %d\n", argc);
    printf("argv[0] nonempty: %s\n", yesno(argv[0] != NULL && argv[0][0] != '\0'));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]: [%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL: %s\n", yesno(argv[argc] == NULL));

    const char *t = getenv("ARCA_TEST");
    printf("getenv ARCA_TEST: %s\n", t ? t : "(unset)");
    const char *u = getenv("ARCA_UNSET_VARIABLE");
    printf("getenv ARCA_UNSET_VARIABLE: %s\n", u ? u : "(unset)");
    const char *eq = getenv("ARCA_EQ");
    printf("getenv ARCA_EQ: %s\n", eq ? eq : "(unset)");
    const char *em = getenv("ARCA_EMPTY");
    printf("getenv ARCA_EMPTY: %s\n", em ? (em[0] ? em : "(empty)") : "(unset)");

    int n = 0;
    while (environ[n]) n++;
    char **copy = malloc(sizeof(char *) * (n + 1));
    for (int i = 0; i < n; i++) copy[i] = environ[i];
    qsort(copy, n, sizeof(char *), cmp);
    printf("environ count: %d\n", n);
    for (int i = 0; i < n; i++) printf("environ: %s\n", copy[i]);
    free(copy);

    /* setenv/unsetenv are purely in-process but exercise the environ copy. */
    setenv("ARCA_NEW", "v", 1);
    printf("after setenv: %s\n", getenv("ARCA_NEW"));
    unsetenv("ARCA_TEST");
    printf("after unsetenv: %s\n", getenv("ARCA_TEST") ? "set" : "(unset)");
    return 0;
}
