/* mix: a blend of integer, float and call-heavy work per round: CRC-32 of a
 * generated buffer, a float stage (Newton square roots, polynomial and
 * sqrt-based normalisation), and a sort with an indirect comparator. */
#include "common.h"
#include <math.h>

#define BUF_SIZE (256u * 1024u)
#define NF 50000
#define NS 100000

/* Newton square roots, a polynomial, and sqrt-based normalisation of f[]. */
NOINLINE static double float_stage(double *f, rng_t *r) {
    for (int i = 0; i < NF; i++) f[i] = 1.0 + 99.0 * rng_double(r);
    double norm = 0.0;
    for (int i = 0; i < NF; i++) {
        double x = f[i], y = x * 0.5;
        for (int it = 0; it < 6; it++) y = 0.5 * (y + x / y); /* Newton sqrt */
        double p = ((0.125 * y - 0.5) * y + 2.0) * y - 1.0;   /* Horner */
        f[i] = p / (1.0 + y * y);
        norm += f[i] * f[i];
    }
    norm = sqrt(norm);
    double acc = 0.0;
    for (int i = 0; i < NF; i++) acc += f[i] / norm;
    return acc;
}

int main(int argc, char **argv) {
    long reps = bench_reps(argc, argv, 60);
    crc32_init();
    uint8_t *buf = xmalloc(BUF_SIZE);
    double *f = xmalloc(sizeof(double) * NF);
    int *v = xmalloc(sizeof(int) * NS);
    rng_t r = {0x13198A2E03707344ULL};
    uint32_t crc = 0;
    double facc = 0.0;
    uint64_t sacc = 0;

    for (long k = 0; k < reps; k++) {
        /* integer stage */
        for (size_t i = 0; i < BUF_SIZE; i++) buf[i] = (uint8_t)rng_next(&r);
        for (int pass = 0; pass < 4; pass++) crc = crc32_update(crc, buf, BUF_SIZE);

        /* float stage */
        facc += float_stage(f, &r);

        /* sort stage, seeded from the other two */
        for (int i = 0; i < NS; i++)
            v[i] = (int)((rng_u32(&r) ^ crc) % 1000000u) + (int)(f[i % NF] * 1000.0);
        sort_ints(v, NS, bench_cmp);
        sacc = sacc * 1000003u + sorted_checksum(v, NS);
    }
    printf("mix reps=%ld crc=%08x float=%.12e sort=%016llx\n", reps, crc, facc,
           (unsigned long long)sacc);
    free(buf);
    free(f);
    free(v);
    return 0;
}
