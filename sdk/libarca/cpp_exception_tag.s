# The exception tag that C++ throws and catches: __cxa_throw raises it through libunwind's
# _Unwind_RaiseException (__builtin_wasm_throw(0, ...)), and code built with -fwasm-exceptions
# catches it. clang-22 leaves its definition to the runtime (newer libunwind defines it; LLVM 19's,
# which the SDK builds, does not), as setjmp's __c_longjmp is left to the C library.
.globl __cpp_exception
.tagtype __cpp_exception i32
__cpp_exception:
