// Throw and catch: by type, by base class, by pointer, catch-all, rethrow, nested try blocks,
// std::exception_ptr (current_exception, rethrow_exception, make_exception_ptr), nested
// exceptions, function-try-blocks, the standard library's own exceptions, and destructors run
// while unwinding (their order printed).
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

struct Base { int code; explicit Base(int c) : code(c) {} virtual ~Base() = default; virtual const char *kind() const { return "Base"; } };
struct Derived : Base { explicit Derived(int c) : Base(c) {} const char *kind() const override { return "Derived"; } };
struct MyError : std::runtime_error { int n; MyError(const std::string &s, int n) : std::runtime_error(s), n(n) {} };

struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) { std::printf("  enter %s\n", name.c_str()); }
    ~Guard() { std::printf("  leave %s\n", name.c_str()); }
};

static void level3(int what) {
    Guard g("level3");
    switch (what) {
    case 0: throw 42;
    case 1: throw Derived(7);
    case 2: throw MyError("my error", 5);
    case 3: throw std::string("a string");
    case 4: throw 2.5;
    case 5: { static Derived d(9); throw &d; }
    default: std::printf("  no throw\n");
    }
}
static void level2(int what) { Guard g("level2"); level3(what); }
static void level1(int what) {
    Guard g("level1");
    try {
        level2(what);
    } catch (const std::runtime_error &e) {
        std::printf("  level1 saw runtime_error '%s', rethrowing\n", e.what());
        throw;
    }
}

static void by_type() {
    std::printf("by type and base class:\n");
    for (int what = 0; what <= 6; what++) {
        try {
            level1(what);
        } catch (int v) {
            std::printf(" caught int %d\n", v);
        } catch (const Base &b) {
            std::printf(" caught Base& code=%d kind=%s\n", b.code, b.kind());
        } catch (const MyError &e) {
            std::printf(" caught MyError '%s' n=%d\n", e.what(), e.n);
        } catch (const std::string &s) {
            std::printf(" caught string '%s'\n", s.c_str());
        } catch (Base *p) {
            std::printf(" caught Base* code=%d kind=%s\n", p->code, p->kind());
        } catch (...) {
            std::printf(" caught something else\n");
        }
    }
}

static void rethrow_modified() {
    std::printf("rethrow keeps the same object:\n");
    try {
        try {
            throw MyError("first", 1);
        } catch (MyError &e) {
            e.n = 99;
            throw;
        }
    } catch (const MyError &e) {
        std::printf(" outer sees n=%d '%s'\n", e.n, e.what());
    }
    try {
        try {
            throw Derived(3);
        } catch (Base b) {  // by value: a sliced copy
            std::printf(" sliced copy kind=%s\n", b.kind());
            throw;          // rethrows the original Derived
        }
    } catch (Base &b) {
        std::printf(" rethrown original kind=%s\n", b.kind());
    }
}

static void exception_ptrs() {
    std::printf("exception_ptr:\n");
    std::exception_ptr saved;
    try {
        throw MyError("saved for later", 3);
    } catch (...) {
        saved = std::current_exception();
    }
    std::printf(" saved: %s\n", saved ? "yes" : "no");
    for (int i = 0; i < 2; i++) {
        try {
            std::rethrow_exception(saved);
        } catch (const MyError &e) {
            std::printf(" rethrown #%d: '%s' n=%d\n", i, e.what(), e.n);
        }
    }
    auto made = std::make_exception_ptr(std::out_of_range("made"));
    try {
        std::rethrow_exception(made);
    } catch (const std::logic_error &e) {
        std::printf(" make_exception_ptr: logic_error '%s'\n", e.what());
    }
    std::printf(" no current exception outside a handler: %s\n", std::current_exception() ? "wrong" : "right");
    std::printf(" uncaught_exceptions outside: %d\n", std::uncaught_exceptions());
}

static void nested() {
    std::printf("nested exceptions:\n");
    try {
        try {
            throw std::runtime_error("inner");
        } catch (...) {
            std::throw_with_nested(std::logic_error("outer"));
        }
    } catch (const std::logic_error &e) {
        std::printf(" outer: %s\n", e.what());
        try {
            std::rethrow_if_nested(e);
        } catch (const std::runtime_error &in) {
            std::printf(" inner: %s\n", in.what());
        }
    }
}

struct Member { explicit Member(int v) { if (v < 0) throw std::invalid_argument("negative member"); } };
struct Holder {
    Guard g;
    Member m;
    explicit Holder(int v) try : g("holder.g"), m(v) {
        std::printf(" constructed\n");
    } catch (const std::exception &e) {
        std::printf(" function-try-block saw '%s'\n", e.what());
    }  // rethrown implicitly
};

static void ctor_failure() {
    std::printf("a constructor that throws:\n");
    try {
        Holder h(-1);
    } catch (const std::invalid_argument &e) {
        std::printf(" caught '%s' after the members were destroyed\n", e.what());
    }
    try {
        auto p = std::make_unique<Holder>(1);
        std::printf(" unique_ptr made\n");
    } catch (...) {
        std::printf(" wrong\n");
    }
}

struct Counted { static int live; Counted() { live++; } Counted(const Counted &) { live++; } ~Counted() { live--; } };
int Counted::live = 0;

static void containers() {
    std::printf("library exceptions:\n");
    std::vector<int> v{1, 2, 3};
    try { (void)v.at(10); } catch (const std::out_of_range &) { std::printf(" vector::at: out_of_range\n"); }
    try { (void)std::stoi("not a number"); } catch (const std::invalid_argument &) { std::printf(" stoi: invalid_argument\n"); }
    try { (void)std::stoi("99999999999999999999"); } catch (const std::out_of_range &) { std::printf(" stoi: out_of_range\n"); }
    std::map<int, int> m;
    try { (void)m.at(3); } catch (const std::out_of_range &) { std::printf(" map::at: out_of_range\n"); }
    std::optional<int> o;
    try { (void)o.value(); } catch (const std::bad_optional_access &) { std::printf(" optional: bad_optional_access\n"); }
    std::variant<int, std::string> var = 3;
    try { (void)std::get<std::string>(var); } catch (const std::bad_variant_access &) { std::printf(" variant: bad_variant_access\n"); }
    std::function<int()> empty;
    try { (void)empty(); } catch (const std::bad_function_call &) { std::printf(" function: bad_function_call\n"); }
    try { std::string s("abc"); (void)s.substr(10); } catch (const std::out_of_range &) { std::printf(" string::substr: out_of_range\n"); }
    {
        std::vector<Counted> vc(5);
        try {
            std::vector<Counted> copy = vc;
            throw 1;
        } catch (int) {
        }
        std::printf(" copies destroyed while unwinding: live=%d (want 5)\n", Counted::live);
    }
    std::printf(" after the scope: live=%d\n", Counted::live);
}

int main() {
    by_type();
    rethrow_modified();
    exception_ptrs();
    nested();
    ctor_failure();
    containers();
    std::printf("done\n");
    return 0;
}
