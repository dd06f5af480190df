// <chrono> and <random>: clocks that move forward and agree with time(), duration arithmetic and
// conversions; the random engines the standard specifies exactly (their outputs for a fixed seed
// are the same everywhere; the distributions are not, so none is printed here).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

int main() {
    using namespace std::chrono;
    auto s0 = steady_clock::now();
    volatile double x = 0;
    for (int i = 0; i < 2000000; i++) x = x + i * 0.5;
    auto s1 = steady_clock::now();
    std::printf("steady clock moved forward: %d, is_steady: %d\n", s1 >= s0, steady_clock::is_steady);
    auto sys = system_clock::to_time_t(system_clock::now());
    std::time_t t = std::time(nullptr);
    std::printf("system_clock agrees with time(): %d\n", (sys - t) <= 2 && (t - sys) <= 2);
    std::printf("after 2020: %d\n", sys > 1577836800);
    auto hr = high_resolution_clock::now().time_since_epoch().count();
    std::printf("high_resolution_clock positive: %d\n", hr > 0);

    auto d = hours(1) + minutes(30) + seconds(15) + milliseconds(250);
    std::printf("1h30m15.25s = %lld ms = %lld s (truncated) = %.4f min\n", (long long)d.count(),
                (long long)duration_cast<seconds>(d).count(), duration<double, std::ratio<60>>(d).count());
    std::printf("floor/ceil/round of 1.5s in s: %lld %lld %lld\n", (long long)floor<seconds>(milliseconds(1500)).count(),
                (long long)ceil<seconds>(milliseconds(1500)).count(), (long long)round<seconds>(milliseconds(2500)).count());
    sys_days day = year(2024) / February / 29;
    std::printf("2024-02-29 is day %d since the epoch, weekday %u\n", (int)day.time_since_epoch().count(),
                weekday(day).c_encoding());

    std::mt19937 mt(42);
    std::printf("mt19937(42):");
    for (int i = 0; i < 5; i++) std::printf(" %u", (unsigned)mt());
    std::printf("\n");
    std::mt19937 def;
    def.discard(9999);
    std::printf("mt19937 10000th: %u (the standard says 4123659995)\n", (unsigned)def());
    std::mt19937_64 mt64(7);
    unsigned long long m1 = mt64(), m2 = mt64();  // in order: a call's arguments are evaluated in no fixed order
    std::printf("mt19937_64(7): %llu %llu\n", m1, m2);
    std::minstd_rand lcg(1);
    unsigned l1 = lcg(), l2 = lcg(), l3 = lcg();
    std::printf("minstd_rand(1): %u %u %u\n", l1, l2, l3);
    std::ranlux24 rl;
    rl.discard(9999);
    std::printf("ranlux24 10000th: %u (the standard says 9901578)\n", (unsigned)rl());
    std::seed_seq seq{1, 2, 3};
    std::vector<std::uint32_t> seeds(4);
    seq.generate(seeds.begin(), seeds.end());
    std::printf("seed_seq{1,2,3}:");
    for (auto v : seeds) std::printf(" %u", (unsigned)v);
    std::printf("\n");
    std::mt19937 seeded(seq);
    std::printf("mt19937(seed_seq): %u\n", (unsigned)seeded());
    return 0;
}
