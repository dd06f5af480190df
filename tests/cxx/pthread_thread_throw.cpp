// An exception that leaves a std::thread's function: std::terminate, one line naming it on stderr,
// and SIGABRT (exit status 134) for the whole process, as natively; the main thread, waiting in
// join, never goes on. Output written before it is not lost.
#include <cstdio>
#include <stdexcept>
#include <thread>

static void deeper(int n) {
    if (n == 0) throw std::runtime_error("escaped from a thread");
    deeper(n - 1);
}

int main() {
    std::printf("before the thread\n");
    std::fflush(stdout);
    std::thread t([] { deeper(3); });
    t.join();
    std::printf("not reached\n");
    return 0;
}
