/* Cold-start benchmark: the smallest useful program. */
#include <stdio.h>

int main(void) {
    puts("Hello from Arca bench!");
    return 0;
}
