// Once-only initialisation and thread-locals: thread_local objects with constructors and
// destructors (one per thread that uses them, built on first use, destroyed in reverse order when
// their thread ends, the main thread's at exit), std::call_once from many threads (and a callable
// that throws, which leaves the flag unset), and function-local statics initialised by many
// threads at once (the guard: one constructor runs, the others wait; a constructor that throws
// lets the next thread try).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static std::mutex log_mu;
static std::map<int, std::string> per_thread_log; // thread index -> what its thread_locals did
static thread_local int my_index = -1;
static std::atomic<int> tl_built{0}, tl_destroyed{0};

static void note(const std::string &what) {
    std::lock_guard<std::mutex> g(log_mu);
    per_thread_log[my_index] += what + " ";
}

struct PerThread {
    std::string name;
    explicit PerThread(const char *n) : name(n) { tl_built++; note("build " + name); }
    ~PerThread() { tl_destroyed++; note("destroy " + name); }
};
// function-local thread_locals are built on their first use in each thread; a namespace-scope one
// when its thread first uses it
static PerThread &first() {
    thread_local PerThread p("first");
    return p;
}
static PerThread &second() {
    thread_local PerThread p("second");
    return p;
}
thread_local PerThread at_namespace_scope("namespace-scope");

struct AtExit {
    ~AtExit() { std::printf("a global destroyed after main's thread_locals: %s\n", main_tl_gone ? "yes" : "no"); }
    bool main_tl_gone = false;
} at_exit;
struct MainOnly {
    ~MainOnly() { at_exit.main_tl_gone = true; std::printf("main's thread_local destroyed at exit\n"); }
};
static MainOnly &main_only() {
    thread_local MainOnly m;
    return m;
}

static std::atomic<int> slow_built{0};
struct Slow {
    int value;
    Slow() : value(0) {
        slow_built++;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        value = 123;
    }
};
static Slow &slow() {
    static Slow s;
    return s;
}

static std::atomic<int> fragile_tries{0};
struct Fragile {
    int value;
    Fragile() : value(0) {
        if (++fragile_tries == 1) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            throw std::runtime_error("first construction fails");
        }
        value = 456;
    }
};
static Fragile &fragile() {
    static Fragile f;
    return f;
}

template <class F> static void on_threads(int n, F f) {
    std::atomic<int> ready{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < n; i++)
        ts.emplace_back([&, i] {
            my_index = i;
            ready++;
            while (ready.load() < n) std::this_thread::yield(); // all start together
            f(i);
        });
    for (auto &t : ts) t.join();
}

int main() {
    // thread_locals: threads 0..3 use first and second, thread 4 the namespace-scope one, thread
    // 5 only second, thread 6 none
    on_threads(7, [](int i) {
        if (i < 4) { (void)first().name; (void)second().name; }
        if (i == 4) (void)at_namespace_scope.name;
        if (i == 5) (void)second().name;
    });
    std::printf("thread_locals built: %d, destroyed by the time of join: %d\n", tl_built.load(), tl_destroyed.load());
    for (auto &[i, s] : per_thread_log) std::printf("thread %d: %s\n", i, s.c_str());
    (void)main_only();

    // call_once: one run for eight callers
    std::once_flag once;
    std::atomic<int> runs{0};
    std::atomic<int> saw_done{0};
    int value = 0;
    on_threads(8, [&](int) {
        std::call_once(once, [&] { runs++; std::this_thread::sleep_for(std::chrono::milliseconds(10)); value = 5; });
        if (value == 5) saw_done++;
    });
    std::printf("call_once: ran %d time(s), every caller saw its result: %s\n", runs.load(), saw_done.load() == 8 ? "yes" : "no");

    // a callable that throws leaves the flag unset: the next call runs
    std::once_flag retry;
    int attempts = 0;
    try {
        std::call_once(retry, [&] { attempts++; throw std::runtime_error("not yet"); });
    } catch (const std::exception &e) {
        std::printf("call_once threw: %s\n", e.what());
    }
    on_threads(4, [&](int) { std::call_once(retry, [&] { attempts++; }); });
    std::printf("call_once attempts: %d\n", attempts);

    // a function-local static that eight threads reach at once
    std::atomic<int> right{0};
    on_threads(8, [&](int) { if (slow().value == 123) right++; });
    std::printf("function-local static: built %d time(s), all eight saw it built: %s\n", slow_built.load(), right.load() == 8 ? "yes" : "no");

    // its constructor throws for the first thread: another thread builds it
    std::atomic<int> caught{0}, got{0};
    on_threads(4, [&](int) {
        try {
            if (fragile().value == 456) got++;
        } catch (const std::runtime_error &) {
            caught++;
        }
    });
    std::printf("throwing static: tries %d, caught %d, built for %d\n", fragile_tries.load(), caught.load(), got.load());
    return 0;
}
