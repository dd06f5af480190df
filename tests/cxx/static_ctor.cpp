// Static constructors and destructors: a constructor of a global object throws and catches inside
// itself; globals are built in order before main and destroyed in reverse order after it (also
// function-local statics, and atexit handlers interleaved as the standard says).
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

struct Loud {
    std::string name;
    explicit Loud(const char *n) : name(n) { std::printf("construct %s\n", name.c_str()); }
    ~Loud() { std::printf("destroy %s\n", name.c_str()); std::fflush(stdout); }
};

struct Careful {
    int tries = 0;
    std::string state;
    Careful() {
        for (;;) {
            try {
                tries++;
                if (tries < 3) throw std::runtime_error("attempt " + std::to_string(tries) + " failed");
                state = "ready";
                break;
            } catch (const std::runtime_error &e) {
                std::printf("static constructor caught: %s\n", e.what());
            }
        }
        std::printf("static constructor done after %d tries\n", tries);
    }
};

Loud first("first global");
Careful careful;
Loud second("second global");

static void at_exit() { std::printf("atexit handler\n"); }

static Loud &local() {
    static Loud l("function-local static");
    return l;
}

int main() {
    std::printf("main: careful is %s\n", careful.state.c_str());
    std::atexit(at_exit);
    local();
    local();
    std::printf("main returns\n");
    return 3;
}
