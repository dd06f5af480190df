/* sort: quicksort of generated ints with a comparator called through a
 * function pointer (call_indirect in wasm), like libc qsort. Measures
 * indirect calls, branches and memory swaps. */
#include "common.h"

#define COUNT 1000000

int main(int argc, char **argv) {
    long reps = bench_reps(argc, argv, 8);
    int *v = xmalloc(sizeof(int) * COUNT);
    rng_t r = {0xB7E151628AED2A6BULL};
    uint64_t acc = 0;
    for (long k = 0; k < reps; k++) {
        for (size_t i = 0; i < COUNT; i++) v[i] = (int)(rng_u32(&r) % 2000000u) - 1000000;
        sort_ints(v, COUNT, bench_cmp);
        acc = acc * 1000003u + sorted_checksum(v, COUNT);
    }
    printf("sort n=%d reps=%ld min=%d median=%d max=%d acc=%016llx\n", COUNT, reps, v[0],
           v[COUNT / 2], v[COUNT - 1], (unsigned long long)acc);
    free(v);
    return 0;
}
