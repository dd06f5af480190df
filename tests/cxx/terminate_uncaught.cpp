// An exception no handler takes: std::terminate, one line naming it on stderr, and SIGABRT (exit
// status 134), as natively. Output written before it is not lost.
#include <cstdio>
#include <iostream>
#include <stdexcept>

static void deeper(int n) {
    if (n == 0) throw std::runtime_error("nobody catches this");
    deeper(n - 1);
}

int main() {
    std::cout << "before the throw" << std::endl;
    std::printf("printf before the throw\n");
    std::fflush(stdout);
    deeper(5);
    std::cout << "not reached" << std::endl;
    return 0;
}
