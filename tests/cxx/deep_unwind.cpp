// A throw at the bottom of 10,000 nested calls, each holding an object with a destructor: every
// destructor runs, innermost first, and the handler at the top sees the exception.
#include <cstdio>
#include <initializer_list>
#include <stdexcept>

static int destroyed = 0, last = -1, out_of_order = 0;

struct Frame {
    int depth;
    explicit Frame(int d) : depth(d) {}
    ~Frame() {
        if (last != -1 && depth != last - 1) out_of_order++;
        last = depth;
        destroyed++;
    }
};

static long descend(int depth, int limit) {
    Frame f(depth);
    if (depth == limit) throw std::overflow_error("bottom reached");
    return descend(depth + 1, limit) + depth;  // not a tail call: the frame stays
}

int main() {
    for (int limit : {10, 1000, 10000}) {
        destroyed = 0; last = -1; out_of_order = 0;
        try {
            std::printf("sum %ld (wrong)\n", descend(0, limit));
        } catch (const std::overflow_error &e) {
            std::printf("depth %d: caught '%s', %d destructors ran, %d out of order, last depth %d\n",
                        limit, e.what(), destroyed, out_of_order, last);
        }
    }
    return 0;
}
