/* Arca SDK: AF_UNIX addresses with a real sun_path, 110 bytes as on Linux (wasi-libc's has no
   path). The kernel takes an absolute path; the C library makes a relative one absolute. */
#ifndef __wasilibc___struct_sockaddr_un_h
#define __wasilibc___struct_sockaddr_un_h
#include <__typedef_sa_family_t.h>
struct sockaddr_un {
    sa_family_t sun_family;
    char sun_path[108];
};
#endif
