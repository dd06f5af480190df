// Exceptions crossing frames of other kinds: C library code (qsort and bsearch call our comparator,
// which throws), an extern "C" function taking a callback, std::function, virtual calls, lambdas
// and std::sort's comparator. Each unwinds back to a handler in C++ with the state intact.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

struct Stop { int at; };
static int compares = 0;

extern "C" int throwing_compare(const void *a, const void *b) {
    int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);
    if (++compares == 5) throw Stop{x};
    return (x > y) - (x < y);
}

// a C-style frame: an extern "C" function that calls through a plain function pointer
extern "C" int apply_c(int (*f)(int), int v) { return f(v) + 1; }
extern "C" int explode(int v) { if (v > 2) throw std::runtime_error("from a callback"); return v; }

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
};
struct Square : Shape {
    double s;
    explicit Square(double s) : s(s) {}
    double area() const override { if (s < 0) throw std::domain_error("negative side"); return s * s; }
};
struct Circle : Shape {
    double r;
    explicit Circle(double r) : r(r) {}
    double area() const override { if (r < 0) throw std::domain_error("negative radius"); return 3 * r * r; }
};

int main() {
    int a[] = {9, 3, 7, 1, 8, 2, 6, 4, 5, 0};
    try {
        std::qsort(a, 10, sizeof a[0], throwing_compare);
        std::printf("qsort finished (wrong)\n");
    } catch (const Stop &s) {
        std::printf("through qsort: stopped at compare %d (an element was %s)\n", compares, s.at >= 0 && s.at <= 9 ? "in range" : "wrong");
    }
    int sum = 0;
    for (int v : a) sum += v;
    std::printf("the array keeps its elements: sum=%d\n", sum);

    int key = 100;
    try {
        int sorted[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        (void)std::bsearch(&key, sorted, 21, sizeof sorted[0],
                           [](const void *k, const void *) -> int { throw Stop{*static_cast<const int *>(k)}; });
        std::printf("bsearch finished (wrong)\n");
    } catch (const Stop &s) {
        std::printf("through bsearch: the key was %d\n", s.at);
    }

    for (int v = 1; v <= 4; v++) {
        try {
            std::printf("apply_c(%d) = %d\n", v, apply_c(explode, v));
        } catch (const std::runtime_error &e) {
            std::printf("apply_c(%d) threw '%s'\n", v, e.what());
        }
    }

    std::function<int(int)> f = [](int x) -> int { if (x == 3) throw x * 10; return x; };
    std::function<int(int)> g = [&f](int x) { return f(x) + f(x + 1); };
    for (int x = 0; x < 4; x++) {
        try {
            std::printf("g(%d) = %d\n", x, g(x));
        } catch (int e) {
            std::printf("g(%d) threw %d through two std::functions\n", x, e);
        }
    }

    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Square>(2));
    shapes.push_back(std::make_unique<Circle>(1));
    shapes.push_back(std::make_unique<Circle>(-1));
    shapes.push_back(std::make_unique<Square>(-3));
    for (auto &s : shapes) {
        try {
            std::printf("area %.1f\n", s->area());
        } catch (const std::domain_error &e) {
            std::printf("virtual call threw '%s'\n", e.what());
        }
    }

    std::vector<int> v{5, 4, 3, 2, 1, 0, -1, 6, 7};
    try {
        std::sort(v.begin(), v.end(), [](int x, int y) { if (x < 0 || y < 0) throw std::invalid_argument("negative in sort"); return x < y; });
    } catch (const std::invalid_argument &e) {
        std::printf("std::sort comparator threw '%s'; %zu elements kept\n", e.what(), v.size());
    }
    return 0;
}
