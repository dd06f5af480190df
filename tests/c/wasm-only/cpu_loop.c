/* cpu_loop.c - spins forever without making any WASI call after the first
 * line; for the CPU limit test. Arca must stop it at the manifest's limit
 * (run.sh runs it with "cpuTime": "500ms" and expects exit 137 and one line).
 * Never exits on its own.
 */
#include <stdio.h>

int main(void) {
    printf("cpu_loop: spinning\n");
    fflush(stdout);
    volatile unsigned long long n = 0;
    for (;;) n++;
}
