// Exceptions in many threads at once: each thread throws and catches its own exceptions through
// frames with destructors, rethrows, nests them, and checks that what it catches is its own (the
// runtime's per-thread state: the caught-exception stack, uncaught_exceptions(), the landing-pad
// context the personality routine fills). Exact totals.
#include <atomic>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Tagged : std::runtime_error {
    int thread, round;
    Tagged(int t, int r) : std::runtime_error("tagged " + std::to_string(t)), thread(t), round(r) {}
};

static std::atomic<long> unwound{0}, wrong{0}, caught{0}, nested_ok{0};

struct Frame {
    int thread;
    ~Frame() {
        unwound++;
        if (std::uncaught_exceptions() != 1) wrong++; // one exception in flight, in this thread
    }
};

static void deep(int t, int r, int n) {
    Frame f{t};
    if (n == 0) throw Tagged(t, r);
    deep(t, r, n - 1);
}

static void worker(int t, int rounds) {
    for (int r = 0; r < rounds; r++) {
        try {
            try {
                deep(t, r, 3);
            } catch (const Tagged &e) {
                if (e.thread != t || e.round != r) wrong++;
                if (std::uncaught_exceptions() != 0) wrong++;
                throw; // the same object, on to the outer handler
            }
        } catch (const std::runtime_error &e) {
            const Tagged *tg = dynamic_cast<const Tagged *>(&e);
            if (!tg || tg->thread != t || tg->round != r) wrong++;
            caught++;
        }
        // a nested exception: the inner one comes back out of the outer one
        try {
            try {
                throw std::out_of_range("inner " + std::to_string(t));
            } catch (...) {
                std::throw_with_nested(std::logic_error("outer " + std::to_string(t)));
            }
        } catch (const std::logic_error &outer) {
            try {
                std::rethrow_if_nested(outer);
            } catch (const std::out_of_range &inner) {
                if (std::string(inner.what()) == "inner " + std::to_string(t)) nested_ok++;
            }
        }
        if (std::current_exception()) wrong++; // nothing is being handled here
    }
}

int main() {
    constexpr int THREADS = 4, ROUNDS = 5000;
    std::vector<std::thread> ts;
    for (int t = 0; t < THREADS; t++) ts.emplace_back(worker, t, ROUNDS);
    worker(THREADS, ROUNDS); // the main thread too
    for (auto &t : ts) t.join();
    std::printf("caught: %ld, frames unwound: %ld, nested: %ld, wrong: %ld\n", caught.load(), unwound.load(),
                nested_ok.load(), wrong.load());
    return 0;
}
