/* ledger: a tiny append-only ledger kept in a mounted directory.
 *   ledger add ACCOUNT AMOUNT   append an entry to ledger.log
 *   ledger report               print balances and the files in the directory
 * It works in $LEDGER_DIR when that is set, else in the current directory.
 * Plain POSIX: open/write/fsync/read/opendir, nothing Arca-specific. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG "ledger.log"

static int add(const char *account, const char *amount) {
    char line[256];
    int n = snprintf(line, sizeof line, "%s %s\n", account, amount);
    int fd = open(LOG, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) { perror("open " LOG); return 1; }
    if (write(fd, line, n) != n) { perror("write"); return 1; }
    if (fsync(fd) != 0) { perror("fsync"); return 1; }
    close(fd);
    printf("recorded: %s", line);
    return 0;
}

struct balance { char name[64]; long cents; };

static int report(void) {
    FILE *f = fopen(LOG, "r");
    if (!f) { perror("fopen " LOG); return 1; }
    struct balance b[64]; int nb = 0; char name[64]; double amount; long entries = 0;
    while (fscanf(f, "%63s %lf", name, &amount) == 2) {
        int i;
        for (i = 0; i < nb && strcmp(b[i].name, name); i++) {}
        if (i == nb && nb < 64) { strcpy(b[nb].name, name); b[nb++].cents = 0; }
        if (i < 64) b[i].cents += (long)(amount * 100 + (amount < 0 ? -0.5 : 0.5));
        entries++;
    }
    fclose(f);
    printf("%ld entries\n", entries);
    for (int i = 0; i < nb; i++) printf("  %-10s %10.2f\n", b[i].name, b[i].cents / 100.0);
    DIR *d = opendir(".");
    if (!d) { perror("opendir"); return 1; }
    struct dirent *e;
    printf("files:");
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.' || stat(e->d_name, &st) != 0) continue;
        printf(" %s(%lld bytes)", e->d_name, (long long)st.st_size);
    }
    printf("\n");
    closedir(d);
    return 0;
}

int main(int argc, char **argv) {
    const char *dir = getenv("LEDGER_DIR");
    if (dir && chdir(dir) != 0) { perror(dir); return 1; }
    if (argc == 4 && !strcmp(argv[1], "add")) return add(argv[2], argv[3]);
    if (argc == 2 && !strcmp(argv[1], "report")) return report();
    fprintf(stderr, "usage: ledger add ACCOUNT AMOUNT | ledger report\n");
    return 2;
}
