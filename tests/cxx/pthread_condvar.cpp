// std::condition_variable: a bounded queue with two producers and two consumers (every item
// consumed once: the count and the sum are exact), wait with a predicate, wait_for and
// wait_until timing out, notify_all releasing every waiter, condition_variable_any over a
// shared_mutex, and notify_all_at_thread_exit.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

int main() {
    // bounded queue
    constexpr int PER_PRODUCER = 5000, CAPACITY = 16;
    std::mutex m;
    std::condition_variable not_full, not_empty;
    std::deque<int> q;
    int producers_left = 2;
    long long consumed_sum = 0;
    int consumed = 0, most_queued = 0;
    auto produce = [&](int base) {
        for (int i = 1; i <= PER_PRODUCER; i++) {
            std::unique_lock<std::mutex> l(m);
            not_full.wait(l, [&] { return q.size() < CAPACITY; });
            q.push_back(base + i);
            if ((int)q.size() > most_queued) most_queued = (int)q.size();
            not_empty.notify_one();
        }
        std::lock_guard<std::mutex> g(m);
        if (--producers_left == 0) not_empty.notify_all();
    };
    auto consume = [&] {
        for (;;) {
            std::unique_lock<std::mutex> l(m);
            not_empty.wait(l, [&] { return !q.empty() || producers_left == 0; });
            if (q.empty()) return;
            consumed_sum += q.front();
            consumed++;
            q.pop_front();
            not_full.notify_one();
        }
    };
    std::vector<std::thread> ts;
    ts.emplace_back(produce, 0);
    ts.emplace_back(produce, 1000000);
    ts.emplace_back(consume);
    ts.emplace_back(consume);
    for (auto &t : ts) t.join();
    std::printf("consumed %d items, sum %lld, never more than %d queued: %s\n", consumed, consumed_sum, CAPACITY,
                most_queued <= CAPACITY ? "yes" : "no");

    // timeouts: nobody notifies
    std::unique_lock<std::mutex> l(m);
    auto t0 = std::chrono::steady_clock::now();
    // (with a predicate: a wait without one may end spuriously, with no_timeout, natively too)
    bool woke = not_empty.wait_for(l, std::chrono::milliseconds(30), [] { return false; });
    bool waited = std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(30);
    std::printf("wait_for: %s, after at least 30 ms: %s\n", woke ? "true" : "false", waited ? "yes" : "no");
    bool pred = not_empty.wait_until(l, std::chrono::steady_clock::now() + std::chrono::milliseconds(20), [] { return false; });
    std::printf("wait_until with a predicate that stays false: %s\n", pred ? "true" : "false");
    l.unlock();

    // notify_all releases every waiter
    int waiting = 0;
    bool go = false;
    std::vector<std::thread> waiters;
    int released = 0;
    for (int i = 0; i < 6; i++)
        waiters.emplace_back([&] {
            std::unique_lock<std::mutex> w(m);
            waiting++;
            not_full.notify_all();
            not_empty.wait(w, [&] { return go; });
            released++;
        });
    {
        std::unique_lock<std::mutex> w(m);
        not_full.wait(w, [&] { return waiting == 6; });
        go = true;
    }
    not_empty.notify_all();
    for (auto &t : waiters) t.join();
    std::printf("notify_all released: %d of 6\n", released);

    // condition_variable_any over a shared_mutex
    std::shared_mutex sm;
    std::condition_variable_any cva;
    bool ready = false;
    std::thread setter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::unique_lock<std::shared_mutex> w(sm);
        ready = true;
        cva.notify_all();
    });
    {
        std::unique_lock<std::shared_mutex> w(sm);
        cva.wait(w, [&] { return ready; });
    }
    setter.join();
    std::printf("condition_variable_any: %s\n", ready ? "ready" : "not ready");

    // notify_all_at_thread_exit: the waiter sees the value set by a thread that then ended
    int value = 0;
    bool finished = false;
    std::thread ender([&] {
        std::unique_lock<std::mutex> w(m);
        value = 99;
        finished = true;
        std::notify_all_at_thread_exit(not_empty, std::move(w));
    });
    {
        std::unique_lock<std::mutex> w(m);
        not_empty.wait(w, [&] { return finished; });
    }
    ender.join();
    std::printf("notify_all_at_thread_exit: %d\n", value);
    return 0;
}
