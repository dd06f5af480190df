/* Appends argv[1] and a newline to /data/log (creating it), then prints the whole file. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: append LINE\n"); return 2; }
    FILE *f = fopen("/data/log", "a");
    if (!f) { perror("/data/log"); return 1; }
    fprintf(f, "%s\n", argv[1]);
    if (fclose(f) != 0) { perror("close"); return 1; }
    f = fopen("/data/log", "r");
    if (!f) { perror("/data/log"); return 1; }
    int c;
    while ((c = getc(f)) != EOF) putchar(c);
    fclose(f);
    return 0;
}
