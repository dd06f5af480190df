/*
 * Shared helpers for the Arca compute kernels.
 *
 * Everything a kernel spends its time in is implemented here rather than
 * taken from libc (sort, byte search, CRC), so the native build (glibc) and
 * the wasm build (wasi-libc) execute the same algorithm and the timing ratio
 * measures the runtime, not two different libc implementations.
 *
 * Only IEEE-exact float operations (+ - * / sqrt) are used, so checksums are
 * bit-identical across gcc/x86-64 and clang/wasm32 (build with
 * -ffp-contract=off).
 */
#ifndef ARCA_BENCH_COMMON_H
#define ARCA_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each kernel keeps one repetition's work in its own non-inlined function and
 * calls it from main once per repetition, as real programs are structured.
 * This keeps wasm functions small and gives tiering JITs (V8, HotSpot under
 * Chicory) a call boundary to switch to optimised code at, instead of one
 * huge main() that only on-stack replacement could speed up.
 */
#define NOINLINE __attribute__((noinline, unused))

/* xorshift64* PRNG: deterministic input generation. */
typedef struct { uint64_t s; } rng_t;

static inline uint64_t rng_next(rng_t *r) {
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static inline uint32_t rng_u32(rng_t *r) { return (uint32_t)(rng_next(r) >> 32); }

/* Uniform double in [0, 1). */
static inline double rng_double(rng_t *r) {
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Optional argv[1] overrides a kernel's repetition count (for quick runs). */
static inline long bench_reps(int argc, char **argv, long dflt) {
    if (argc > 1) {
        char *end;
        long v = strtol(argv[1], &end, 10);
        if (*end != '\0' || v <= 0) {
            fprintf(stderr, "usage: %s [repetitions>0]\n", argv[0]);
            exit(2);
        }
        return v;
    }
    return dflt;
}

static inline void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

/* ---- CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), table-driven ---- */
static uint32_t crc_table[256];

static inline void crc32_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

NOINLINE static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* ---- Sort with a comparator called through a function pointer ---- */
typedef int (*cmp_fn)(const void *, const void *);

static inline int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/*
 * The comparator is read from a volatile so neither compiler can
 * constant-propagate it into the sort and inline it: every comparison stays
 * an indirect call (call_indirect in wasm), as with libc qsort.
 */
static cmp_fn volatile bench_cmp = cmp_int;

static inline void swap_int(int *a, int *b) { int t = *a; *a = *b; *b = t; }

/* Quicksort (median of three, insertion sort for small ranges), recursing on
 * the smaller half so stack depth stays O(log n). */
NOINLINE static void sort_ints(int *a, size_t n, cmp_fn cmp) {
    while (n > 16) {
        size_t mid = n / 2, last = n - 1;
        if (cmp(&a[mid], &a[0]) < 0) swap_int(&a[mid], &a[0]);
        if (cmp(&a[last], &a[0]) < 0) swap_int(&a[last], &a[0]);
        if (cmp(&a[last], &a[mid]) < 0) swap_int(&a[last], &a[mid]);
        int pivot = a[mid];
        size_t i = 0, j = last;
        for (;;) {
            while (cmp(&a[i], &pivot) < 0) i++;
            while (cmp(&pivot, &a[j]) < 0) j--;
            if (i >= j) break;
            swap_int(&a[i], &a[j]);
            i++;
            j--;
        }
        size_t left = j + 1; /* a[0..j] <= pivot <= a[j+1..n) */
        if (left < n - left) {
            sort_ints(a, left, cmp);
            a += left;
            n -= left;
        } else {
            sort_ints(a + left, n - left, cmp);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        int v = a[i];
        size_t k = i;
        while (k > 0 && cmp(&a[k - 1], &v) > 0) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

/* Checksum of a sorted array; exits loudly if it is not sorted. */
NOINLINE static uint64_t sorted_checksum(const int *a, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && a[i - 1] > a[i]) {
            fprintf(stderr, "sort check failed at %zu\n", i);
            exit(1);
        }
        h = (h ^ (uint32_t)a[i]) * 1099511628211ULL;
    }
    return h;
}

#endif
