/* A guest asks for evidence over data of its own, as on Gramine: write 64 bytes to
 * /dev/attestation/user_report_data, read /dev/attestation/quote (non-empty). Prints the
 * provider and the quote's size; with an argument, writes the quote to that file, for the host
 * to verify that it binds the report data (tests/cli/attestation.sh). With a second argument GO,
 * it first creates GO.ready and waits for GO to exist, so that the host can change files
 * between the instance's start and its quote. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 2) {
        char ready[256];
        snprintf(ready, sizeof ready, "%s.ready", argv[2]);
        int r = open(ready, O_WRONLY | O_CREAT, 0644);
        if (r < 0) { perror(ready); return 1; }
        close(r);
        for (int waited = 0; access(argv[2], F_OK) != 0; waited++) {
            if (waited > 600) { fprintf(stderr, "no %s after 30 s\n", argv[2]); return 1; }
            usleep(50000);
        }
    }
    unsigned char data[64];
    for (int i = 0; i < 64; i++) data[i] = (unsigned char)(0xa0 + i);
    int fd = open("/dev/attestation/user_report_data", O_WRONLY);
    if (fd < 0) { perror("open user_report_data"); return 1; }
    if (write(fd, data, sizeof data) != (ssize_t)sizeof data) { perror("write user_report_data"); return 1; }
    close(fd);
    static unsigned char quote[1 << 16];
    fd = open("/dev/attestation/quote", O_RDONLY);
    if (fd < 0) { perror("open quote"); return 1; }
    size_t n = 0;
    for (ssize_t r; (r = read(fd, quote + n, sizeof quote - n)) > 0; ) n += (size_t)r;
    close(fd);
    if (n == 0) { fprintf(stderr, "empty quote\n"); return 1; }
    char type[32] = {0};
    fd = open("/dev/attestation/attestation_type", O_RDONLY);
    if (fd < 0 || read(fd, type, sizeof type - 1) <= 0) { perror("attestation_type"); return 1; }
    close(fd);
    /* the quote cannot be written, nor report data longer than 64 bytes */
    if (open("/dev/attestation/quote", O_WRONLY) >= 0) { fprintf(stderr, "quote writable\n"); return 1; }
    if (argc > 1) { /* keep the quote for the host to verify */
        FILE *f = fopen(argv[1], "wb");
        if (!f || fwrite(quote, 1, n, f) != n || fclose(f) != 0) { perror(argv[1]); return 1; }
    }
    /* more than 64 bytes of report data is refused */
    fd = open("/dev/attestation/user_report_data", O_WRONLY);
    unsigned char big[65] = {0};
    if (fd < 0 || write(fd, big, sizeof big) >= 0) { fprintf(stderr, "65 bytes of report data accepted\n"); return 1; }
    close(fd);
    printf("type %s, quote %zu bytes\n", type, n);
    return 0;
}
