// RTTI: typeid (static and dynamic types, names in the Itanium ABI's mangling, equality,
// type_index), dynamic_cast up, down and across a hierarchy with multiple and virtual
// inheritance, std::bad_cast and std::bad_typeid.
#include <cstdio>
#include <map>
#include <string>
#include <typeindex>
#include <typeinfo>

struct Animal { virtual ~Animal() = default; virtual const char *sound() const { return "..."; } };
struct Swimmer { virtual ~Swimmer() = default; virtual int depth() const { return 1; } };
struct Dog : Animal { const char *sound() const override { return "woof"; } };
struct Duck : Animal, Swimmer { const char *sound() const override { return "quack"; } int depth() const override { return 2; } };
struct Left : virtual Animal {};
struct Right : virtual Animal {};
struct Diamond : Left, Right { const char *sound() const override { return "diamond"; } };
struct Plain { int x; };
namespace ns { template <class T> struct Box { T v; }; }

static void describe(const Animal &a) {
    std::printf("%s says %s;", typeid(a).name(), a.sound());
    if (auto d = dynamic_cast<const Dog *>(&a)) std::printf(" a Dog (%s)", d->sound());
    if (auto s = dynamic_cast<const Swimmer *>(&a)) std::printf(" swims to %d", s->depth());
    if (dynamic_cast<const Left *>(&a)) std::printf(" has a Left");
    const void *most = dynamic_cast<const void *>(&a);
    std::printf(" most-derived %s\n", most == static_cast<const void *>(&a) ? "at the same address" : "elsewhere");
}

int main() {
    Dog dog;
    Duck duck;
    Diamond diamond;
    describe(dog);
    describe(duck);
    describe(diamond);

    std::printf("names: %s %s %s %s %s %s\n", typeid(int).name(), typeid(Plain).name(), typeid(ns::Box<long>).name(),
                typeid(const char *).name(), typeid(Plain[3]).name(), typeid(int (*)(double)).name());
    Animal *a = &duck;
    std::printf("static %s, dynamic %s, equal to Duck: %d\n", typeid(a).name(), typeid(*a).name(), typeid(*a) == typeid(Duck));

    Swimmer *s = &duck;
    Animal *cross = dynamic_cast<Animal *>(s);
    std::printf("cross cast Swimmer->Animal: %s\n", cross ? cross->sound() : "null");
    Animal *base = &diamond;
    Right *r = dynamic_cast<Right *>(base);
    std::printf("down cast through virtual bases: %s\n", r ? "ok" : "null");
    std::printf("wrong down cast gives null: %s\n", dynamic_cast<Dog *>(a) ? "no" : "yes");

    try {
        Dog &d = dynamic_cast<Dog &>(*a);
        std::printf("wrong: %s\n", d.sound());
    } catch (const std::bad_cast &e) {
        std::printf("reference cast threw bad_cast\n");
    }
    try {
        Animal *none = nullptr;
        std::printf("wrong: %s\n", typeid(*none).name());
    } catch (const std::bad_typeid &) {
        std::printf("typeid of a null polymorphic pointer threw bad_typeid\n");
    }

    std::map<std::type_index, std::string> names{{typeid(Dog), "dog"}, {typeid(Duck), "duck"}, {typeid(Diamond), "diamond"}};
    for (Animal *p : {static_cast<Animal *>(&dog), static_cast<Animal *>(&duck), static_cast<Animal *>(&diamond)})
        std::printf("type_index lookup: %s\n", names[typeid(*p)].c_str());
    return 0;
}
