/* Arca SDK: <dlfcn.h>. A program is one WebAssembly module and Arca loads no code after start-up:
   dlopen fails (dlerror says "dynamic loading is not supported in Arca"), so that programs which
   can load extensions (SQLite's load_extension, Lua's package.loadlib, ...) build and report it. */
#ifndef _DLFCN_H
#define _DLFCN_H
#ifdef __cplusplus
extern "C" {
#endif
#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_NOLOAD 4
#define RTLD_NODELETE 4096
#define RTLD_GLOBAL 256
#define RTLD_LOCAL 0
#define RTLD_NEXT ((void *)-1)
#define RTLD_DEFAULT ((void *)0)
typedef struct {
    const char *dli_fname;
    void *dli_fbase;
    const char *dli_sname;
    void *dli_saddr;
} Dl_info;
void *dlopen(const char *, int);
void *dlsym(void *__restrict, const char *__restrict);
int dlclose(void *);
char *dlerror(void);
int dladdr(const void *, Dl_info *);
#ifdef __cplusplus
}
#endif
#endif
