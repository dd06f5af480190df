// A thread bomb of std::threads: creating them until the constructor throws std::system_error
// (in Arca at the process's thread limit, 64 by default: resource_unavailable_try_again) or a cap
// of 500 (natively); the program catches it, releases and joins them all, and can make threads
// again.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

int main() {
    constexpr int CAP = 500;
    std::mutex m;
    std::condition_variable cv;
    bool released = false;
    int started = 0;
    std::vector<std::thread> ts;
    ts.reserve(CAP);
    bool threw = false, right_code = false;
    try {
        while ((int)ts.size() < CAP)
            ts.emplace_back([&] {
                std::unique_lock<std::mutex> l(m);
                started++;
                cv.wait(l, [&] { return released; });
            });
    } catch (const std::system_error &e) {
        threw = true;
        right_code = e.code() == std::errc::resource_unavailable_try_again;
    }
    // which of the two stopped it differs (stdout says only that one did): in Arca, the first
    // line of stderr must say the limit did (pthread_bomb.stderr)
    if (threw) std::fprintf(stderr, "stopped by std::system_error (%s) after %zu threads\n", right_code ? "resource_unavailable_try_again" : "another code", ts.size());
    else std::fprintf(stderr, "stopped at the cap of %d threads\n", CAP);
    std::printf("created at least 16: %s\n", ts.size() >= 16 ? "yes" : "no");
    std::printf("stopped by system_error(resource_unavailable_try_again) or the cap: %s\n",
                (threw && right_code) || (!threw && ts.size() == CAP) ? "yes" : "no");
    {
        std::lock_guard<std::mutex> g(m);
        released = true;
    }
    cv.notify_all();
    for (auto &t : ts) t.join();
    std::printf("joined all, all started: %s\n", started == (int)ts.size() ? "yes" : "no");
    int again = 0;
    std::thread([&again] { again = 1; }).join();
    std::printf("a thread after joining them: %s\n", again ? "yes" : "no");
    return 0;
}
