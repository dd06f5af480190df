/* random.c - getentropy (WASI random_get): sizes 0..256, EIO above 256,
 * output not constant, bits roughly balanced, no writes past the buffer.
 *
 * WASI calls covered: random_get.
 * Only derived facts are printed, never the random bytes themselves.
 */
#include "common.h"
#include <unistd.h>

static int popcount(const unsigned char *p, size_t n) {
    int c = 0;
    for (size_t i = 0; i < n; i++) c += __builtin_popcount(p[i]);
    return c;
}

int main(void) {
    static const size_t sizes[] = {0, 1, 16, 255, 256};
    unsigned char buf[300];
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        memset(buf, 0xA5, sizeof buf);
        errno = 0;
        int r = getentropy(buf, n);
        int guard_ok = 1;
        for (size_t i = n; i < sizeof buf; i++) if (buf[i] != 0xA5) guard_ok = 0;
        printf("getentropy %zu: %s, guard bytes intact: %s\n", n, r == 0 ? "ok" : errname(errno), yesno(guard_ok));
    }
    TRY("getentropy 257", getentropy(buf, 257));

    /* 256 bytes: not constant, not all zero, bit balance within ~10 sigma */
    unsigned char a[256], b[256];
    getentropy(a, sizeof a);
    getentropy(b, sizeof b);
    int all_same = 1;
    for (int i = 1; i < 256; i++) if (a[i] != a[0]) all_same = 0;
    printf("256 bytes not all equal: %s\n", yesno(!all_same));
    printf("two draws differ: %s\n", yesno(memcmp(a, b, sizeof a) != 0));
    int ones = popcount(a, sizeof a);
    printf("ones in 2048 bits within [800,1250]: %s\n", yesno(ones >= 800 && ones <= 1250));

    /* many small draws: the 16 possible low nibbles all appear */
    int seen[16] = {0}, distinct = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned char c;
        getentropy(&c, 1);
        seen[c & 15] = 1;
    }
    for (int i = 0; i < 16; i++) distinct += seen[i];
    printf("all 16 low nibbles seen in 2000 draws: %s\n", yesno(distinct == 16));
    return 0;
}
