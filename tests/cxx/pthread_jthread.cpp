// std::jthread and <stop_token>: a jthread joins in its destructor and asks its function to stop
// first; a worker polling its stop_token ends when asked; stop_callbacks run once, on the thread
// that requests the stop (or at once when registered after it), and not after they are
// destroyed; condition_variable_any's wait with a stop_token wakes on a stop with nothing
// notified; a stop_source shared by several threads, a stop requested twice (only the first
// counts), a stop_token without a state, and a jthread moved and detached.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

int main() {
    using namespace std::chrono_literals;

    // a worker that counts until asked to stop; the destructor requests the stop and joins
    std::atomic<long> counted{0};
    {
        std::jthread worker([&](std::stop_token st) {
            while (!st.stop_requested()) {
                counted.fetch_add(1, std::memory_order_relaxed);
                std::this_thread::yield();
            }
        });
        while (counted.load() < 1000) std::this_thread::yield();
    } // joined here
    long at_join = counted.load();
    std::this_thread::sleep_for(10ms);
    std::printf("worker stopped by the destructor: %s, counted past 1000: %s\n",
                counted.load() == at_join ? "yes" : "no", at_join >= 1000 ? "yes" : "no");

    // request_stop by hand, get_stop_source, and the return values of request_stop
    std::jthread t([](std::stop_token st) {
        while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    std::stop_source src = t.get_stop_source();
    bool first = t.request_stop();
    bool second = src.request_stop();
    t.join();
    std::printf("first request_stop: %d, second: %d, stop_requested: %d, joinable after join: %d\n",
                first, second, src.stop_requested(), t.joinable());

    // stop_callbacks: run by the requesting thread, once; one registered after the stop runs at once;
    // one destroyed before the stop never runs
    std::stop_source s;
    std::atomic<int> calls{0};
    std::thread::id ran_on;
    std::stop_callback cb1(s.get_token(), [&] { calls++; ran_on = std::this_thread::get_id(); });
    {
        std::stop_callback gone(s.get_token(), [&] { calls += 100; });
    }
    std::thread requester([&] { s.request_stop(); });
    std::thread::id requester_id = requester.get_id();
    requester.join();
    bool late_ran = false;
    std::stop_callback late(s.get_token(), [&] { late_ran = true; });
    std::printf("callbacks run: %d, on the requesting thread: %s, a late one at once: %s\n", calls.load(),
                ran_on == requester_id ? "yes" : "no", late_ran ? "yes" : "no");

    // condition_variable_any::wait with a stop token: woken by the stop, nothing notified
    std::mutex m;
    std::condition_variable_any cv;
    bool ready = false;
    std::atomic<int> woke_by_stop{0};
    std::vector<std::jthread> waiters;
    for (int i = 0; i < 3; i++) {
        waiters.emplace_back([&](std::stop_token st) {
            std::unique_lock<std::mutex> l(m);
            bool got = cv.wait(l, st, [&] { return ready; });
            if (!got && st.stop_requested()) woke_by_stop++;
        });
    }
    std::this_thread::sleep_for(20ms);
    for (auto& w : waiters) w.request_stop();
    for (auto& w : waiters) w.join();
    std::printf("waiters woken by their stop: %d of 3\n", woke_by_stop.load());

    // one stop_source shared by four jthreads' work
    std::stop_source shared;
    std::atomic<int> finished{0};
    {
        std::vector<std::jthread> pool;
        for (int i = 0; i < 4; i++) {
            pool.emplace_back([&, tok = shared.get_token()] {
                while (!tok.stop_requested()) std::this_thread::sleep_for(1ms);
                finished++;
            });
        }
        std::this_thread::sleep_for(10ms);
        shared.request_stop();
    }
    std::printf("pool members that saw the shared stop: %d\n", finished.load());

    // a token without a state, a moved jthread, a detached one
    std::stop_token none;
    std::jthread a([](std::stop_token st) {
        while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    std::jthread b = std::move(a);
    std::printf("no state: stop_possible %d; moved-from joinable %d, moved-to joinable %d\n", none.stop_possible(),
                a.joinable(), b.joinable());
    b.request_stop();
    b.join();
    std::atomic<bool> detached_done{false};
    std::jthread d([&] { detached_done = true; });
    d.detach();
    while (!detached_done.load()) std::this_thread::yield();
    std::printf("detached: joinable %d, ran: %d\n", d.joinable(), detached_done.load());
    return 0;
}
