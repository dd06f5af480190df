/* Arca SDK overlay: wasi-libc's <stdio.h> plus tmpnam, tmpfile, popen and pclose. */
#ifndef _ARCA_STDIO_H
#define _ARCA_STDIO_H
#include_next <stdio.h>
#ifdef __cplusplus
extern "C" {
#endif
#ifndef L_tmpnam
#define L_tmpnam 20
#endif
char *tmpnam(char *);
FILE *tmpfile(void);
FILE *popen(const char *, const char *);
int pclose(FILE *);
void flockfile(FILE *);
int ftrylockfile(FILE *);
void funlockfile(FILE *);
#ifdef __cplusplus
}
#endif
#endif
