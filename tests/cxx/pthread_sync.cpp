// <mutex>, <shared_mutex> and <atomic> under contention, with exact totals: std::mutex with
// lock_guard, unique_lock (deferred, try_to_lock, moved), scoped_lock over two mutexes taken in
// opposite orders, try_lock, recursive_mutex, timed_mutex's try_lock_for, std::atomic counters
// (fetch_add, a compare_exchange loop, 64-bit, atomic_flag as a spin lock), shared_mutex:
// readers together, a writer alone; and what waits on an atomic (atomic::wait/notify, std::latch,
// std::barrier with a completion function, counting_semaphore bounding how many run at once).
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>
#include <vector>

constexpr int THREADS = 4, ROUNDS = 20000;

template <class F> static void run(F f) {
    std::vector<std::thread> ts;
    for (int i = 0; i < THREADS; i++) ts.emplace_back(f, i);
    for (auto &t : ts) t.join();
}

int main() {
    std::mutex m;
    long guarded = 0;
    run([&](int) { for (int k = 0; k < ROUNDS; k++) { std::lock_guard<std::mutex> g(m); guarded++; } });
    std::printf("lock_guard total: %ld\n", guarded);

    long uniq = 0;
    run([&](int) {
        for (int k = 0; k < ROUNDS; k++) {
            std::unique_lock<std::mutex> l(m, std::defer_lock);
            l.lock();
            std::unique_lock<std::mutex> moved(std::move(l));
            uniq++;
        }
    });
    std::printf("unique_lock total: %ld\n", uniq);

    // try_lock: only counts when it got the lock, so count the successes too
    long tried = 0;
    std::atomic<long> got{0};
    run([&](int) {
        for (int k = 0; k < ROUNDS; k++) {
            std::unique_lock<std::mutex> l(m, std::try_to_lock);
            if (l.owns_lock()) { tried++; got++; }
        }
    });
    std::printf("try_lock counted every success: %s\n", tried == got.load() && tried > 0 ? "yes" : "no");

    // two mutexes locked in opposite orders by scoped_lock: no deadlock
    std::mutex a, b;
    long both = 0;
    run([&](int i) {
        for (int k = 0; k < ROUNDS / 4; k++) {
            if (i % 2) { std::scoped_lock l(a, b); both++; }
            else { std::scoped_lock l(b, a); both++; }
        }
    });
    std::printf("scoped_lock(a, b) and (b, a): %ld\n", both);

    std::recursive_mutex rm;
    int depth = 0;
    std::function<void(int)> recurse = [&](int n) { std::lock_guard<std::recursive_mutex> g(rm); depth++; if (n) recurse(n - 1); };
    run([&](int) { recurse(9); });
    std::printf("recursive_mutex: %d\n", depth);

    // timed_mutex: held by another thread, try_lock_for gives up; free, it succeeds
    std::timed_mutex tm;
    std::atomic<bool> held{false}, release{false};
    std::thread holder([&] { tm.lock(); held = true; while (!release) std::this_thread::yield(); tm.unlock(); });
    while (!held) std::this_thread::yield();
    bool timed_out = !tm.try_lock_for(std::chrono::milliseconds(20));
    release = true;
    holder.join();
    bool later = tm.try_lock_for(std::chrono::milliseconds(1000));
    if (later) tm.unlock();
    std::printf("timed_mutex: timed out while held: %s, then locked: %s\n", timed_out ? "yes" : "no", later ? "yes" : "no");

    // atomics
    std::atomic<int> added{0};
    std::atomic<std::int64_t> wide{0};
    std::atomic<unsigned> cas{0};
    run([&](int i) {
        for (int k = 0; k < ROUNDS; k++) {
            added.fetch_add(1, std::memory_order_relaxed);
            wide.fetch_add((std::int64_t)1 << 33);
            unsigned v = cas.load();
            while (!cas.compare_exchange_weak(v, v + (unsigned)i + 1)) {}
        }
    });
    std::printf("atomic fetch_add: %d, 64-bit: %lld, compare_exchange: %u\n", added.load(), (long long)wide.load(), cas.load());

    std::atomic_flag spin = ATOMIC_FLAG_INIT;
    long spun = 0;
    run([&](int) {
        for (int k = 0; k < ROUNDS; k++) {
            while (spin.test_and_set(std::memory_order_acquire)) {}
            spun++;
            spin.clear(std::memory_order_release);
        }
    });
    std::printf("atomic_flag spin lock: %ld\n", spun);

    // shared_mutex: readers overlap (all four hold it at once), writers exclude everyone
    std::shared_mutex sm;
    std::atomic<int> readers{0}, most_readers{0};
    std::atomic<bool> writer_saw_reader{false};
    long written = 0;
    std::atomic<int> arrived{0};
    run([&](int) {
        {
            std::shared_lock<std::shared_mutex> r(sm);
            int now = ++readers;
            int seen = most_readers.load();
            while (now > seen && !most_readers.compare_exchange_weak(seen, now)) {}
            arrived++;
            while (arrived.load() < THREADS) std::this_thread::yield(); // all four inside together
            readers--;
        }
        for (int k = 0; k < ROUNDS / 4; k++) {
            std::unique_lock<std::shared_mutex> w(sm);
            if (readers.load()) writer_saw_reader = true;
            written++;
        }
    });
    std::printf("shared_mutex: readers at once: %d, written: %ld, a writer saw a reader: %s\n", most_readers.load(),
                written, writer_saw_reader ? "yes" : "no");

    // atomic::wait and notify: a relay where each thread waits for its turn
    std::atomic<int> turn{0};
    std::vector<int> order;
    run([&](int i) {
        for (int lap = 0; lap < 50; lap++) {
            int mine = lap * THREADS + i;
            for (int t = turn.load(); t != mine; t = turn.load()) turn.wait(t);
            order.push_back(i);
            turn.store(mine + 1);
            turn.notify_all();
        }
    });
    bool in_order = order.size() == 50 * THREADS;
    for (size_t k = 0; k < order.size(); k++) in_order = in_order && order[k] == (int)(k % THREADS);
    std::printf("atomic wait/notify relay: %zu turns in order: %s\n", order.size(), in_order ? "yes" : "no");

    // latch: everyone starts after the last arrives; barrier: phases with a completion step
    std::latch start(THREADS);
    std::atomic<int> before_start{0}, late{0};
    int phases = 0;
    std::vector<int> phase_sums;
    std::atomic<int> phase_sum{0};
    std::barrier sync(THREADS, [&]() noexcept { phases++; phase_sums.push_back(phase_sum.exchange(0)); });
    run([&](int i) {
        before_start++;
        start.arrive_and_wait();
        if (before_start.load() != THREADS) late++;
        for (int ph = 0; ph < 20; ph++) {
            phase_sum += ph * 10 + i;
            sync.arrive_and_wait();
        }
    });
    bool sums_right = phase_sums.size() == 20;
    for (int ph = 0; ph < 20 && sums_right; ph++) sums_right = phase_sums[ph] == ph * 10 * THREADS + (0 + 1 + 2 + 3);
    std::printf("latch: all arrived before any went on: %s; barrier: %d phases, every sum right: %s\n",
                late.load() == 0 ? "yes" : "no", phases, sums_right ? "yes" : "no");

    // counting_semaphore(2): never more than two inside
    std::counting_semaphore<2> slots(2);
    std::atomic<int> inside{0}, most_inside{0}, entries{0};
    run([&](int) {
        for (int k = 0; k < 200; k++) {
            slots.acquire();
            int now = ++inside;
            int seen = most_inside.load();
            while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {}
            entries++;
            inside--;
            slots.release();
        }
    });
    std::printf("counting_semaphore(2): %d entries, at most 2 inside: %s\n", entries.load(), most_inside.load() <= 2 ? "yes" : "no");
    return 0;
}
