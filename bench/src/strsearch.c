/* strsearch: naive substring search over generated text, using a
 * memchr-style scan for the first byte followed by a byte-wise compare.
 * Measures byte loads, compares and short, unpredictable branches. */
#include "common.h"
#include <string.h>

#define TEXT_SIZE (4u << 20) /* 4 MiB */
#define NPAT 12

/* Own memchr (libc versions differ wildly between glibc and wasi-libc). */
static const char *find_byte(const char *p, const char *end, char c) {
    for (; p < end; p++)
        if (*p == c) return p;
    return NULL;
}

NOINLINE static size_t count_matches(const char *text, size_t n, const char *pat, size_t m,
                            uint64_t *poshash) {
    size_t count = 0;
    const char *p = text, *last = text + n - m + 1;
    while ((p = find_byte(p, last, pat[0])) != NULL) {
        size_t k = 1;
        while (k < m && p[k] == pat[k]) k++;
        if (k == m) {
            count++;
            *poshash = (*poshash ^ (uint64_t)(p - text)) * 1099511628211ULL;
        }
        p++;
    }
    return count;
}

int main(int argc, char **argv) {
    long reps = bench_reps(argc, argv, 12);
    /* Skewed alphabet: frequent first-byte hits and partial matches. */
    static const char alphabet[] = "eeeeettttaaaoooiinnsshhrdlcumwfgypbvk     ";
    char *text = xmalloc(TEXT_SIZE);
    rng_t r = {0x452821E638D01377ULL};
    for (size_t i = 0; i < TEXT_SIZE; i++)
        text[i] = alphabet[rng_u32(&r) % (sizeof(alphabet) - 1)];

    /* Half the patterns are cut from the text (they occur), half are random. */
    char pats[NPAT][16];
    size_t lens[NPAT];
    for (int i = 0; i < NPAT; i++) {
        lens[i] = 3 + rng_u32(&r) % 10;
        if (i % 2 == 0) {
            size_t at = rng_u32(&r) % (TEXT_SIZE - 16);
            memcpy(pats[i], text + at, lens[i]);
        } else {
            for (size_t j = 0; j < lens[i]; j++)
                pats[i][j] = alphabet[rng_u32(&r) % (sizeof(alphabet) - 1)];
        }
    }

    uint64_t poshash = 1469598103934665603ULL, total = 0;
    for (long k = 0; k < reps; k++) {
        text[(size_t)k * 104729u % TEXT_SIZE] = 'z'; /* each pass differs */
        for (int i = 0; i < NPAT; i++)
            total += count_matches(text, TEXT_SIZE, pats[i], lens[i], &poshash);
    }
    printf("strsearch bytes=%u patterns=%d reps=%ld matches=%llu hash=%016llx\n", TEXT_SIZE,
           NPAT, reps, (unsigned long long)total, (unsigned long long)poshash);
    free(text);
    return 0;
}
