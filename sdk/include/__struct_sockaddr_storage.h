/* Arca SDK: 128 bytes as on Linux, so that it holds a struct sockaddr_un (wasi-libc's has 34). */
#ifndef __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_sockaddr_storage_h
#include <__typedef_sa_family_t.h>
struct sockaddr_storage {
    sa_family_t ss_family;
    char __ss_padding[128 - sizeof(long long) - sizeof(sa_family_t)];
    unsigned long long __ss_align;
};
#endif
