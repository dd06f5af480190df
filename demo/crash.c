/* crash: a bug (a division by zero) becomes a trap that names the guest function. */
#include <stdio.h>
static volatile int lots = 0;
__attribute__((noinline)) static int split_position(int units) { return units / lots; }
int main(void) {
    printf("splitting a position of 1000 units...\n");
    fflush(stdout);
    return split_position(1000);
}
