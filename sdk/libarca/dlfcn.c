/* <dlfcn.h>: Arca loads no code after start-up (a program is one module), so every dlopen fails,
   with a message dlerror reports once, as dlerror does after a real failure. */
#include <dlfcn.h>
#include <stddef.h>

static char message[] = "dynamic loading is not supported in Arca";
static _Thread_local int failed;

void *dlopen(const char *file, int mode) {
    (void)file;
    (void)mode;
    failed = 1;
    return NULL;
}

void *dlsym(void *restrict handle, const char *restrict name) {
    (void)handle;
    (void)name;
    failed = 1;
    return NULL;
}

int dlclose(void *handle) {
    (void)handle;
    failed = 1;
    return -1;
}

char *dlerror(void) {
    if (!failed) return NULL;
    failed = 0;
    return message;
}

int dladdr(const void *addr, Dl_info *info) {
    (void)addr;
    (void)info;
    return 0;
}
