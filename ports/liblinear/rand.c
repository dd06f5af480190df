/* rand and srand for both builds of the port. LIBLINEAR's dual coordinate-descent solvers (the
   default, -s 1, and most others) and its cross-validation shuffle with rand(), never seeded;
   glibc's rand and wasi-libc's (musl's) give different sequences, so natively and in Arca they
   would train different, equally valid models. Linking this one generator into both builds makes
   the two runs comparable to the byte: a 64-bit linear congruential generator (Knuth's MMIX
   constants), the top 31 bits returned, state 1 until srand. */
#include <stdlib.h>

static unsigned long long state = 1;

void srand(unsigned seed) { state = seed; }

int rand(void) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)(state >> 33);
}
