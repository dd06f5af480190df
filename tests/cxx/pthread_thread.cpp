// std::thread: start with arguments (by value, by reference, move-only), join, ids, joinable,
// move, detach, swap, this_thread::sleep_for and yield,
// hardware_concurrency, and pthread_exit from a thread running C++ frames (destructors run).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <pthread.h>
#include <set>
#include <string>
#include <thread>
#include <vector>

static void square_into(int x, int &out) { out = x * x; }

struct Loud {
    const char *name;
    ~Loud() { std::printf("destroyed %s\n", name); }
};

static void *exits_early(void *) {
    Loud l{"a local of a thread that calls pthread_exit"};
    pthread_exit(reinterpret_cast<void *>(77));
    return nullptr;
}

int main() {
    // arguments: by value, by std::ref, a move-only one
    int out = 0;
    std::thread t1(square_into, 12, std::ref(out));
    t1.join();
    std::printf("by reference: %d\n", out);

    auto owned = std::make_unique<std::string>("moved into the thread");
    std::string seen;
    std::thread t2([&seen](std::unique_ptr<std::string> s) { seen = *s; }, std::move(owned));
    t2.join();
    std::printf("move-only argument: %s (left behind: %s)\n", seen.c_str(), owned ? "yes" : "null");

    // many threads, each writes its own slot; ids are distinct and differ from main's
    std::vector<std::thread> ts;
    std::vector<std::thread::id> ids(8);
    std::vector<long long> sums(8);
    for (int i = 0; i < 8; i++)
        ts.emplace_back([i, &ids, &sums] {
            ids[i] = std::this_thread::get_id();
            long long s = 0;
            for (long long k = 0; k <= 100000LL * (i + 1); k++) s += k;
            sums[i] = s;
        });
    for (auto &t : ts) {
        std::printf("joinable before join: %s\n", t.joinable() ? "yes" : "no");
        t.join();
    }
    std::set<std::thread::id> distinct(ids.begin(), ids.end());
    std::printf("8 distinct ids: %s, none is main's: %s\n", distinct.size() == 8 ? "yes" : "no",
                distinct.count(std::this_thread::get_id()) == 0 ? "yes" : "no");
    for (int i = 0; i < 8; i++) std::printf("sum %d: %lld\n", i, sums[i]);
    std::printf("joinable after join: %s\n", ts[0].joinable() ? "yes" : "no");

    // move and swap
    std::thread a([] {}), b;
    std::printf("moved-from joinable: %s\n", (b = std::move(a), a.joinable()) ? "yes" : "no");
    std::thread c([] {});
    b.swap(c);
    b.join();
    c.join();
    std::printf("default thread joinable: %s, id is empty: %s\n", std::thread().joinable() ? "yes" : "no",
                std::thread().get_id() == std::thread::id() ? "yes" : "no");

    // a detached thread finishes on its own; the main thread waits on a flag
    std::atomic<bool> done{false};
    std::thread([&done] { done.store(true); }).detach();
    while (!done.load()) std::this_thread::yield();
    std::printf("detached thread ran: yes\n");

    // sleep_for sleeps at least as long as asked
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto slept = std::chrono::steady_clock::now() - t0;
    std::printf("slept at least 30 ms: %s\n", slept >= std::chrono::milliseconds(30) ? "yes" : "no");

    unsigned hc = std::thread::hardware_concurrency();
    std::printf("hardware_concurrency between 1 and 4096: %s\n", hc >= 1 && hc <= 4096 ? "yes" : "no");

    // pthread_exit from a thread in C++ code: the destructors of its frames run, the value arrives
    pthread_t pt;
    void *result = nullptr;
    pthread_create(&pt, nullptr, exits_early, nullptr);
    pthread_join(pt, &result);
    std::printf("pthread_exit value: %ld\n", reinterpret_cast<long>(result));
    return 0;
}
