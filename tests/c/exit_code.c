/* exit_code.c - process exit: exit(7) must flush stdio buffers, run atexit
 * handlers (in reverse order), and surface 7 as the process exit status.
 *
 * WASI calls covered: proc_exit.
 */
#include "common.h"
#include <stdlib.h>

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs first\n"); }

int main(void) {
    atexit(first);
    atexit(second);
    setvbuf(stdout, NULL, _IOFBF, 4096);  /* make sure exit() has to flush */
    printf("before exit (fully buffered)\n");
    exit(7);
    printf("not reached\n");
    return 0;
}
