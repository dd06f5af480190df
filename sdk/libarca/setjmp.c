/* The runtime that clang's WebAssembly setjmp/longjmp lowering calls (-mllvm -wasm-enable-sjlj):
   setjmp records which function invocation and which label a jmp_buf belongs to; longjmp throws
   the __c_longjmp exception tag with a pointer to (env, val), which the lowered code catches and
   tests against its invocation. */
#include <setjmp.h>
#include <stdint.h>

struct jmp_state {
    void *invocation; /* the function invocation that called setjmp */
    uint32_t label;   /* which setjmp call site in it */
    struct {
        void *env;
        int val;
    } arg;            /* what longjmp passes */
};

_Static_assert(sizeof(struct jmp_state) <= sizeof(jmp_buf), "jmp_buf too small");

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
    struct jmp_state *s = env;
    if (label == 0 || invocation == 0) __builtin_trap();
    s->invocation = invocation;
    s->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
    struct jmp_state *s = env;
    return s->invocation == invocation ? s->label : 0;
}

void __wasm_longjmp(void *env, int val) {
    struct jmp_state *s = env;
    s->arg.env = env;
    s->arg.val = val == 0 ? 1 : val;
    __builtin_wasm_throw(1, &s->arg); /* tag 1 is __c_longjmp */
}
