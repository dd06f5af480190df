/* spin: a runaway computation; the manifest's CPU limit stops it. */
#include <stdio.h>
int main(void) {
    printf("pricing forever...\n");
    fflush(stdout);
    volatile unsigned long x = 0;
    for (;;) x++;
}
