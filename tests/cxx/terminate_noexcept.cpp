// An exception that leaves a noexcept function: std::terminate (even though a handler is outside),
// SIGABRT, exit status 134 as natively. (Under WebAssembly the terminate handler is not told which
// exception it was: the line is "libc++abi: terminating"; see docs/cxx.md.)
#include <cstdio>
#include <stdexcept>

static void may_throw(int v) {
    if (v > 1) throw std::logic_error("thrown inside noexcept");
}

static int promise(int v) noexcept {
    may_throw(v);
    return v;
}

int main() {
    try {
        std::printf("promise(1) = %d\n", promise(1));
        std::fflush(stdout);
        std::printf("promise(2) = %d\n", promise(2));
    } catch (...) {
        std::printf("caught (wrong: noexcept must terminate)\n");
    }
    return 0;
}
