/* threads: pthreads costs, measured inside the program (JVM start-up is not in any figure).
 *   threads create N       pthread_create + pthread_join of an empty thread, N times (after 100
 *                          to warm up); prints the mean in microseconds
 *   threads mutex N        pthread_mutex_lock + unlock by one thread, N times; ns per pair
 *   threads contended N    two threads each lock, increment a shared counter, unlock, N times;
 *                          ns per pair (of all 2N); the counter must end at 2N
 *   threads compute T N    a compute kernel (N rows of a Mandelbrot set, 1024 wide, 256
 *                          iterations at most) split into T threads by interleaved rows, 8 times:
 *                          prints the median milliseconds of the last 5 and a checksum that must
 *                          not depend on T
 * Every mode prints one line "NAME: VALUE UNIT ..." that bench/threads.sh reads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void *empty(void *arg) { return arg; }

static int create_join(long i) {
    pthread_t t;
    void *r;
    if (pthread_create(&t, NULL, empty, (void *)i) || pthread_join(t, &r) || r != (void *)i) {
        fprintf(stderr, "threads: create/join %ld failed\n", i);
        return 1;
    }
    return 0;
}

static int create(long n) {
    for (long i = 0; i < 100; i++)
        if (create_join(i)) return 1;
    double t0 = now_us();
    for (long i = 0; i < n; i++)
        if (create_join(i)) return 1;
    printf("create+join: %.2f us (mean of %ld)\n", (now_us() - t0) / n, n);
    return 0;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static long rounds;

static int mutex(long n) {
    for (long i = 0; i < n / 10; i++) { pthread_mutex_lock(&lock); counter++; pthread_mutex_unlock(&lock); }
    double t0 = now_us();
    for (long i = 0; i < n; i++) { pthread_mutex_lock(&lock); counter++; pthread_mutex_unlock(&lock); }
    printf("mutex uncontended: %.2f ns per lock+unlock (%ld)\n", (now_us() - t0) * 1e3 / n, n);
    return 0;
}

static void *hammer(void *arg) {
    for (long i = 0; i < rounds; i++) { pthread_mutex_lock(&lock); counter++; pthread_mutex_unlock(&lock); }
    return arg;
}

static int contended(long n) {
    rounds = n / 10;  /* a warm-up round of the same shape */
    pthread_t a, b;
    for (int pass = 0; pass < 2; pass++) {
        counter = 0;
        double t0 = now_us();
        if (pthread_create(&a, NULL, hammer, NULL) || pthread_create(&b, NULL, hammer, NULL)) return 1;
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        double t = now_us() - t0;
        if (counter != 2 * rounds) { fprintf(stderr, "threads: counter %ld, not %ld\n", counter, 2 * rounds); return 1; }
        if (pass == 1) printf("mutex contended: %.2f ns per lock+unlock (2 threads x %ld)\n", t * 1e3 / (2 * n), n);
        rounds = n;
    }
    return 0;
}

#define WIDTH 1024
#define MAXIT 256
static long rows, nthreads;
static unsigned long long sums[64];

/* rows k, k+T, k+2T, ... of the set: the work of each thread is about the same */
static void *mandel(void *arg) {
    long k = (long)arg;
    unsigned long long sum = 0;
    for (long y = k; y < rows; y += nthreads) {
        for (int x = 0; x < WIDTH; x++) {
            double cr = -2.0 + 2.5 * x / WIDTH, ci = -1.25 + 2.5 * y / rows, zr = 0, zi = 0;
            int it = 0;
            while (it < MAXIT && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                it++;
            }
            sum += (unsigned long long)it * (unsigned long long)(x + 1);
        }
    }
    sums[k] = sum;
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int compute(long t, long n) {
    if (t < 1 || t > 64) { fprintf(stderr, "threads: 1 to 64 threads\n"); return 1; }
    rows = n;
    nthreads = t;
    pthread_t th[64];
    unsigned long long total = 0;
    /* 3 passes warm up (in Arca the JIT needs about three of them to compile mandel fully),
     * then the median of 5 */
    double ms[8];
    for (int pass = 0; pass < 8; pass++) {
        double t0 = now_us();
        /* every share of the work on a thread of its own, the main thread only waits: one
         * thread and two then run under the same conditions (in Arca the main thread's code
         * differs: it reaches mandel through _start, and its JIT profile is its own) */
        for (long k = 0; k < t; k++)
            if (pthread_create(&th[k], NULL, mandel, (void *)k)) return 1;
        for (long k = 0; k < t; k++) pthread_join(th[k], NULL);
        ms[pass] = (now_us() - t0) / 1e3;
        unsigned long long sum = 0;
        for (long k = 0; k < t; k++) sum += sums[k];
        if (pass > 0 && sum != total) { fprintf(stderr, "threads: checksum changed\n"); return 1; }
        total = sum;
    }
    qsort(ms + 3, 5, sizeof ms[0], cmp_double);
    printf("compute: %.1f ms on %ld threads (%ld rows, median of 5 after 3 to warm up, checksum %llu)\n",
           ms[5], t, n, total);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    long a = argc > 2 ? atol(argv[2]) : 0, b = argc > 3 ? atol(argv[3]) : 0;
    if (!strcmp(mode, "create") && a > 0) return create(a);
    if (!strcmp(mode, "mutex") && a > 0) return mutex(a);
    if (!strcmp(mode, "contended") && a > 0) return contended(a);
    if (!strcmp(mode, "compute") && a > 0 && b > 0) return compute(a, b);
    fprintf(stderr, "usage: threads create N | mutex N | contended N | compute THREADS ROWS\n");
    return 2;
}
