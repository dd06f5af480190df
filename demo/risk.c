/* A risk model on two cores: the value of a European call priced by Monte Carlo, on 1 and then 2
   POSIX threads. The paths are cut into fixed chunks, each with its own random stream, and the
   chunk sums are added in chunk order, so the price is the same to the last digit however many
   threads compute it; only the time changes. Built with 'arca cc -pthread'. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHUNKS 16
static const double S0 = 100, K = 105, R = 0.03, SIGMA = 0.25, T = 1.0;
static long paths_per_chunk;
static double chunk_sum[CHUNKS];
static int threads;

static double uniform(uint64_t *s) { /* xorshift64*: a stream per chunk */
    *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
    return ((*s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static void *worker(void *arg) {
    long first = (long) arg;
    double drift = (R - 0.5 * SIGMA * SIGMA) * T, vol = SIGMA * sqrt(T);
    for (long c = first; c < CHUNKS; c += threads) {
        uint64_t s = 0x9E3779B97F4A7C15ULL * (uint64_t) (c + 1);
        double sum = 0;
        for (long i = 0; i < paths_per_chunk; i += 2) { /* Box-Muller: two normals per draw */
            double u1 = uniform(&s), u2 = uniform(&s);
            double r = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)), z1 = r * cos(2 * M_PI * u2), z2 = r * sin(2 * M_PI * u2);
            double a = S0 * exp(drift + vol * z1) - K, b = S0 * exp(drift + vol * z2) - K;
            sum += (a > 0 ? a : 0) + (b > 0 ? b : 0);
        }
        chunk_sum[c] = sum;
    }
    return NULL;
}

static double seconds(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long paths = argc > 1 ? atol(argv[1]) : 4000000;
    paths_per_chunk = paths / CHUNKS / 2 * 2;
    for (threads = 1; threads <= 2; threads++) {
        double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        pthread_t t[2];
        for (long k = 0; k < threads; k++) {
            if (pthread_create(&t[k], NULL, worker, (void *) k) != 0) { perror("pthread_create"); return 1; }
        }
        for (int k = 0; k < threads; k++) pthread_join(t[k], NULL);
        double total = 0;
        for (int c = 0; c < CHUNKS; c++) total += chunk_sum[c];
        double price = exp(-R * T) * total / (paths_per_chunk * CHUNKS);
        double wall = seconds(CLOCK_MONOTONIC) - wall0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        printf("%d thread%s: call price %.6f from %ld paths in %.2f s (CPU %.2f s: %.1f cores busy)\n", threads,
               threads == 1 ? " " : "s", price, paths_per_chunk * CHUNKS, wall, cpu, cpu / wall);
    }
    return 0;
}
