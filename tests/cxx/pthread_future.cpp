// <future>: std::async (async and deferred), promise/future, an exception carried through a
// future (from async, from a promise, from a packaged_task), std::exception_ptr made in one thread
// and rethrown in another, shared_future seen by many threads, broken_promise, future_error codes,
// wait_for's statuses.
#include <chrono>
#include <cstdio>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct PricingError : std::runtime_error {
    int code;
    PricingError(const std::string &s, int c) : std::runtime_error(s), code(c) {}
};

static long long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main() {
    // async on threads of their own, results gathered in order
    std::vector<std::future<long long>> fs;
    for (int n = 20; n < 26; n++) fs.push_back(std::async(std::launch::async, fib, n));
    for (auto &f : fs) std::printf("fib: %lld\n", f.get());

    // deferred: runs in the caller's thread, at get()
    std::thread::id runner;
    auto d = std::async(std::launch::deferred, [&runner] { runner = std::this_thread::get_id(); return 7; });
    std::printf("deferred: wait_for says %s\n", d.wait_for(std::chrono::seconds(0)) == std::future_status::deferred ? "deferred" : "other");
    int dv = d.get();
    std::printf("deferred: %d, ran in main: %s\n", dv, runner == std::this_thread::get_id() ? "yes" : "no");

    // an exception thrown in an async task comes out of get(), with its type and data
    auto bad = std::async(std::launch::async, []() -> int { throw PricingError("no curve for EUR", 42); });
    try {
        bad.get();
    } catch (const PricingError &e) {
        std::printf("async threw PricingError: %s (code %d)\n", e.what(), e.code);
    }

    // promise/future between threads: a value, then an exception
    std::promise<std::string> p;
    std::future<std::string> pf = p.get_future();
    std::thread setter([&p] { p.set_value("set by another thread"); });
    std::printf("promise: %s\n", pf.get().c_str());
    setter.join();

    std::promise<int> ep;
    std::future<int> epf = ep.get_future();
    std::thread failer([&ep] {
        try {
            throw std::out_of_range("index 9 of 3");
        } catch (...) {
            ep.set_exception(std::current_exception());
        }
    });
    try {
        epf.get();
    } catch (const std::out_of_range &e) {
        std::printf("promise carried out_of_range: %s\n", e.what());
    }
    failer.join();

    // an exception_ptr made in one thread, rethrown (twice) in another
    std::exception_ptr carried;
    std::thread maker([&carried] {
        try {
            throw PricingError("made in a worker", 7);
        } catch (...) {
            carried = std::current_exception();
        }
    });
    maker.join();
    for (int i = 0; i < 2; i++) {
        std::thread user([&carried, i] {
            try {
                std::rethrow_exception(carried);
            } catch (const PricingError &e) {
                std::printf("rethrown in thread %d: %s (code %d)\n", i, e.what(), e.code);
            }
        });
        user.join();
    }
    try {
        std::rethrow_exception(carried);
    } catch (const std::exception &e) {
        std::printf("rethrown in main: %s\n", e.what());
    }
    carried = nullptr;

    // packaged_task: the result, or the exception, through its future
    std::packaged_task<int(int)> task([](int x) { if (x < 0) throw std::invalid_argument("negative"); return x * 3; });
    std::future<int> tf = task.get_future();
    std::thread(std::move(task), 14).join();
    std::printf("packaged_task: %d\n", tf.get());
    std::packaged_task<int(int)> task2([](int x) { if (x < 0) throw std::invalid_argument("negative"); return x * 3; });
    std::future<int> tf2 = task2.get_future();
    std::thread(std::move(task2), -1).join();
    try {
        tf2.get();
    } catch (const std::invalid_argument &e) {
        std::printf("packaged_task threw: %s\n", e.what());
    }

    // shared_future: one promise, many readers
    std::promise<int> sp;
    std::shared_future<int> sf = sp.get_future().share();
    std::vector<std::thread> readers;
    std::vector<int> got(5);
    for (int i = 0; i < 5; i++) readers.emplace_back([sf, &got, i] { got[i] = sf.get() + i; });
    sp.set_value(100);
    for (auto &t : readers) t.join();
    std::printf("shared_future:");
    for (int g : got) std::printf(" %d", g);
    std::printf("\n");

    // a promise destroyed without a value: broken_promise; a second get_future: already retrieved
    std::future<int> orphan;
    {
        std::promise<int> dying;
        orphan = dying.get_future();
        try {
            (void)dying.get_future();
        } catch (const std::future_error &e) {
            std::printf("second get_future: %s\n", e.code() == std::future_errc::future_already_retrieved ? "future_already_retrieved" : "other");
        }
    }
    try {
        orphan.get();
    } catch (const std::future_error &e) {
        std::printf("abandoned promise: %s\n", e.code() == std::future_errc::broken_promise ? "broken_promise" : "other");
    }

    // wait_for on a task that is not done yet, then done
    std::promise<void> gate;
    std::shared_future<void> opened = gate.get_future().share();
    auto slow = std::async(std::launch::async, [opened] { opened.wait(); return 1; });
    std::printf("wait_for before: %s\n", slow.wait_for(std::chrono::milliseconds(10)) == std::future_status::timeout ? "timeout" : "other");
    gate.set_value();
    slow.wait();
    bool ready = slow.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    std::printf("wait_for after: %s, value %d\n", ready ? "ready" : "other", slow.get());
    return 0;
}
