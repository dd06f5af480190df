/* teller.c - a client of ledgerd: posts one transfer and prints the answer.
 *
 *   teller HOST PORT FROM TO AMOUNT
 *
 * It speaks plain HTTP; when its manifest marks the destination "ra-tls", Arca carries it over
 * mutually attested TLS without the program knowing. (The demo builds a second copy with
 * -DINTRUDER: the same code with one more line, hence another measurement.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: teller HOST PORT FROM TO AMOUNT\n"); return 2; }
#ifdef INTRUDER
    fprintf(stderr, "intruder: trying the ledger with a program it does not trust\n");
#endif
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
    int e = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (e) { fprintf(stderr, "teller: %s: %s\n", argv[1], gai_strerror(e)); return 1; }
    int s = socket(ai->ai_family, ai->ai_socktype, 0);
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0) { fprintf(stderr, "teller: connect: %s\n", strerror(errno)); return 1; }
    char body[128], req[512];
    int bl = snprintf(body, sizeof body, "from=%s&to=%s&amount=%s", argv[3], argv[4], argv[5]);
    int rl = snprintf(req, sizeof req, "POST /transfer HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", bl, body);
    if (write(s, req, rl) != rl) { fprintf(stderr, "teller: write: %s\n", strerror(errno)); return 1; }
    char resp[1024];
    size_t n = 0;
    ssize_t r;
    while ((r = read(s, resp + n, sizeof resp - 1 - n)) > 0) n += r;
    if (r < 0) { fprintf(stderr, "teller: read: %s\n", strerror(errno)); return 1; }
    resp[n] = 0;
    char *b = strstr(resp, "\r\n\r\n");
    if (!b) { fprintf(stderr, "teller: no answer (the ledger refused this teller)\n"); return 1; }
    printf("teller: %s", b + 4);
    return 0;
}
