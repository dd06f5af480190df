/* Arca SDK: Linux's struct in6_addr, with the s6_addr16 and s6_addr32 views programs use. */
#ifndef __wasilibc___struct_in6_addr_h
#define __wasilibc___struct_in6_addr_h
struct in6_addr {
    union {
        unsigned char __s6_addr[16];
        unsigned short __s6_addr16[8];
        unsigned int __s6_addr32[4];
    } __in6_union;
};
#define s6_addr __in6_union.__s6_addr
#define s6_addr16 __in6_union.__s6_addr16
#define s6_addr32 __in6_union.__s6_addr32
#endif
