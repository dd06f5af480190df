// An exception that leaves main ends the program through std::terminate, as natively. WebAssembly's
// exception handling has no search phase: a throw that no catch takes would leave the module as a
// bare wasm exception (a trap), and libc++abi would never see it. 'arca c++' links programs with
// --wrap=__original_main, so crt1's call to main (this wasi-libc's crt1 calls __original_main) comes here first; the catch-all hands the exception
// to std::terminate, whose default handler prints one line (its type and what()) and aborts.
// The frames between the throw and here have been unwound by then (destructors ran), which a
// native C++ runtime may or may not do for an uncaught exception ([except.handle]/9).
#include <exception>

extern "C" int __real___original_main(void);

extern "C" int __wrap___original_main(void) {
    try {
        return __real___original_main();
    } catch (...) {
        std::terminate();
    }
}
