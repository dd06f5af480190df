// A std::thread destroyed while still joinable: std::terminate ([thread.thread.destr]), exit
// status 134, as natively. Output written before it is not lost.
#include <atomic>
#include <cstdio>
#include <thread>

int main() {
    std::atomic<bool> forever{true};
    std::printf("before the destructor\n");
    std::fflush(stdout);
    {
        std::thread t([&forever] { while (forever.load()) std::this_thread::yield(); });
    } // neither joined nor detached
    std::printf("not reached\n");
    return 0;
}
