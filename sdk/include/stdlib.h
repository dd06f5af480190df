/* Arca SDK overlay: wasi-libc's <stdlib.h> plus mkstemp and friends (wasi-libc leaves them
   out), system() and realpath(). */
#ifndef _ARCA_STDLIB_H
#define _ARCA_STDLIB_H
#include_next <stdlib.h>
#ifdef __cplusplus
extern "C" {
#endif
int mkstemp(char *);
int mkostemp(char *, int);
int mkstemps(char *, int);
char *mkdtemp(char *);
int system(const char *);
char *realpath(const char *__restrict, char *__restrict);
#ifdef __cplusplus
}
#endif
#endif
