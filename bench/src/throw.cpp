// The cost of a C++ throw and catch, measured inside the program (no start-up in it): N times,
// an exception object thrown three calls down, past a destructor in each frame, and caught.
// Prints the nanoseconds per throw+catch and a checksum (so nothing is optimized away).
//   throw [N]   (default 200000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

static volatile int sink;

struct Tick {
    int v;
    explicit Tick(int v) : v(v) {}
    ~Tick() { sink = sink + v; }
};

__attribute__((noinline)) static void bottom(int i) {
    Tick t(1);
    if (i >= 0) throw std::runtime_error("thrown");
}
__attribute__((noinline)) static void middle(int i) { Tick t(2); bottom(i); }
__attribute__((noinline)) static void top(int i) { Tick t(3); middle(i); }

int main(int argc, char **argv) {
    long n = argc > 1 ? std::atol(argv[1]) : 200000;
    long caught = 0;
    for (long i = 0; i < n / 10; i++) {  // warm-up: a tenth, not timed
        try { top((int)i); } catch (const std::exception &) { caught++; }
    }
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; i++) {
        try { top((int)i); } catch (const std::exception &e) { caught += e.what()[0] == 't'; }
    }
    auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.1f ns per throw+catch (%ld throws, checksum %ld/%d)\n", ns / (double)n, n, caught, (int)sink);
    return 0;
}
