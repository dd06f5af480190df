/* cpu_loop.c - spins forever without making any WASI call after the first
 * line; for CPU / wall-time limit tests. The runtime must be able to stop it
 * (Arca: per-manifest limit; see run.sh, ARCA_LIMIT_TESTS). Never exits on
 * its own.
 */
#include <stdio.h>

int main(void) {
    printf("cpu_loop: spinning\n");
    fflush(stdout);
    volatile unsigned long long n = 0;
    for (;;) n++;
}
