/* crc32: table-driven CRC-32 over a generated buffer. Measures a tight loop of
 * byte loads, table lookups (memory loads from a 1 KiB table), shifts and xors. */
#include "common.h"

#define BUF_SIZE (1u << 20) /* 1 MiB */

int main(int argc, char **argv) {
    long reps = bench_reps(argc, argv, 400);
    crc32_init();
    uint8_t *buf = xmalloc(BUF_SIZE);
    rng_t r = {0x9E3779B97F4A7C15ULL};
    for (size_t i = 0; i < BUF_SIZE; i++) buf[i] = (uint8_t)rng_next(&r);

    uint32_t crc = 0, acc = 0;
    for (long k = 0; k < reps; k++) {
        buf[(size_t)k * 7919u % BUF_SIZE] ^= (uint8_t)k; /* each pass differs */
        crc = crc32_update(crc, buf, BUF_SIZE);
        acc = acc * 31u + crc;
    }
    printf("crc32 reps=%ld bytes=%lu crc=%08x acc=%08x\n", reps,
           (unsigned long)BUF_SIZE * (unsigned long)reps, crc, acc);
    free(buf);
    return 0;
}
