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

#ifdef __STDCPP_THREADS__
// The same for a thread's start routine (std::thread's, or pthread_create's in C++): Arca's
// pthreads (sdk/pthread/thread.c) call it through this function, whose definition there is weak.
// It is in this file because this object is always linked (the wrap above pulls it in), which a
// strong definition must be to replace the weak one. catch (...) takes C++ exceptions only, not
// the longjmp of pthread_exit, which goes on to the thread's start.
extern "C" void *__arca_thread_run(void *(*start)(void *), void *arg) {
    try {
        return start(arg);
    } catch (...) {
        std::terminate();
    }
}
#endif
