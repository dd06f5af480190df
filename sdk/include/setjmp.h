/* Arca SDK: setjmp/longjmp, lowered by clang to WebAssembly exception handling (the arca cc
   driver passes -mllvm -wasm-enable-sjlj); the runtime is in libarca. */
#ifndef _ARCA_SETJMP_H
#define _ARCA_SETJMP_H
#ifdef __cplusplus
extern "C" {
#endif
typedef struct __jmp_buf_tag {
    unsigned long long __jb[4];
} jmp_buf[1];
typedef jmp_buf sigjmp_buf;
int setjmp(jmp_buf);
_Noreturn void longjmp(jmp_buf, int);
#define _setjmp setjmp
#define _longjmp longjmp
#define sigsetjmp(b, s) setjmp(b)
#define siglongjmp longjmp
#ifdef __cplusplus
}
#endif
#endif
