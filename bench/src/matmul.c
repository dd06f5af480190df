/* matmul: dense double-precision matrix multiply (i-k-j loop order),
 * repeated with a perturbed input each time. Measures float multiply/add
 * throughput and linear memory access. */
#include "common.h"

#define N 300

/* c = a * b, i-k-j order (unit-stride inner loop). */
NOINLINE static void matmul(const double *a, const double *b, double *c) {
    for (int i = 0; i < N * N; i++) c[i] = 0.0;
    for (int i = 0; i < N; i++) {
        double *ci = c + i * N;
        for (int k = 0; k < N; k++) {
            double aik = a[i * N + k];
            const double *bk = b + k * N;
            for (int j = 0; j < N; j++) ci[j] += aik * bk[j];
        }
    }
}

int main(int argc, char **argv) {
    long reps = bench_reps(argc, argv, 100);
    double *a = xmalloc(sizeof(double) * N * N);
    double *b = xmalloc(sizeof(double) * N * N);
    double *c = xmalloc(sizeof(double) * N * N);
    rng_t r = {0x243F6A8885A308D3ULL};
    for (int i = 0; i < N * N; i++) a[i] = rng_double(&r) - 0.5;
    for (int i = 0; i < N * N; i++) b[i] = rng_double(&r) - 0.5;

    double trace_acc = 0.0;
    for (long k = 0; k < reps; k++) {
        a[(k * 31) % (N * N)] += 0.25; /* each pass differs */
        matmul(a, b, c);
        trace_acc += c[(k * 17) % (N * N)];
    }
    double sum = 0.0;
    for (int i = 0; i < N * N; i++) sum += c[i];
    printf("matmul n=%d reps=%ld sum=%.12e probe=%.12e\n", N, reps, sum, trace_acc);
    free(a);
    free(b);
    free(c);
    return 0;
}
