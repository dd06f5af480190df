/* mem_grow.c - allocates 1 MiB chunks (touching one byte per page so the
 * memory is really committed) until malloc returns NULL, then prints how
 * many it got and exits 3. For the memory limit test: Arca stops a guest
 * whose memory.grow passes the manifest's limit, as a container's memory
 * limit does (run.sh runs it with "memory": "16MiB" and expects exit 137
 * and one line), so the exit 3 is only reached without a limit.
 */
#include <stdio.h>
#include <stdlib.h>

/* Chunks are chained and the head kept in a volatile global, so the
 * compiler cannot prove the allocations unobserved and elide them. */
static void *volatile head;

int main(void) {
    unsigned long got = 0;
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p) break;
        for (int i = 0; i < (1 << 20); i += 65536) p[i] = (char)i;
        *(void **)p = head;
        head = p;
        got++;
    }
    printf("mem_grow: got %lu MiB\n", got);
    return 3;
}
