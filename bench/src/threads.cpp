// threads.cpp: the C++ threads library's costs, measured inside the program as bench/src/threads.c
// measures pthreads' (JVM start-up is not in any figure).
//   threads-cxx create N   std::thread construction + join of an empty lambda, N times (after 100
//                          to warm up); prints the mean in microseconds
//   threads-cxx mutex N    std::mutex lock + unlock (a lock_guard) by one thread, N times; ns per pair
// Every mode prints one line "NAME: VALUE UNIT ..." that bench/threads.sh reads.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

static double now_us() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static int create(long n) {
    long ran = 0;
    for (long i = 0; i < 100; i++) std::thread([&ran] { ran++; }).join();
    double t0 = now_us();
    for (long i = 0; i < n; i++) std::thread([&ran] { ran++; }).join();
    double t = now_us() - t0;
    if (ran != n + 100) { std::fprintf(stderr, "threads-cxx: %ld threads ran, not %ld\n", ran, n + 100); return 1; }
    std::printf("std::thread create+join: %.2f us (mean of %ld)\n", t / n, n);
    return 0;
}

static std::mutex lock;
static volatile long counter;

static int mutex(long n) {
    for (long i = 0; i < n / 10; i++) { std::lock_guard<std::mutex> g(lock); counter = counter + 1; }
    double t0 = now_us();
    for (long i = 0; i < n; i++) { std::lock_guard<std::mutex> g(lock); counter = counter + 1; }
    std::printf("std::mutex uncontended: %.2f ns per lock+unlock (%ld)\n", (now_us() - t0) * 1e3 / n, n);
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    long a = argc > 2 ? std::atol(argv[2]) : 0;
    if (!std::strcmp(mode, "create") && a > 0) return create(a);
    if (!std::strcmp(mode, "mutex") && a > 0) return mutex(a);
    std::fprintf(stderr, "usage: threads-cxx create N | mutex N\n");
    return 2;
}
