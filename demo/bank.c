/* bank.c - a confidential ledger: a plain POSIX HTTP/1.0 server whose state is a SQLite database.
 *
 *   bank DBFILE PORT
 *
 * Nothing in it knows Arca: the same source builds with gcc and with 'arca cc' (demo/bank-build.sh).
 * Listens on 0.0.0.0:PORT, serves many clients with poll(2), one request per connection:
 *   POST /transfer  id=ID&from=A&to=B&amount=N   moves N from A to B, once per ID:
 *                   200 "ok ID" (or "ok ID (already)" when ID was applied before: a client that
 *                   retries after a failover must not apply it twice), 409 insufficient funds,
 *                   400 anything malformed or an unknown account
 *   GET /balances   "name amount" lines sorted by name, "total T", "transfers N"
 *   GET /transfer?id=ID   "present ID" or "absent ID"
 * A transfer is answered 200 only after its COMMIT returned, and with synchronous=FULL the commit
 * is fsync'ed first: an acknowledged transfer is durable. If SQLite fails at anything (a full
 * disk, or a fenced replicated volume whose fsync gives EIO), the client gets 503 and the process
 * exits with status 1: a ledger that cannot commit must not keep serving.
 *
 * Contract on the wire: ID and account names are 1-64 characters of [A-Za-z0-9._-] (no
 * percent-decoding), N is 1-15 decimal digits and positive; a request is at most 4096 bytes
 * (head and body) or it is refused with 400; a connection idle for 10 s is closed unanswered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sqlite3.h"

#define MAX_CLIENTS 64
#define MAX_REQUEST 4096
#define IDLE_MS 10000
#define DRAIN_MS 2000
#define MAX_TOKEN 64

static sqlite3 *db;
static sqlite3_stmt *st_begin, *st_commit, *st_rollback, *st_has_transfer, *st_amount, *st_move, *st_insert,
    *st_balances, *st_count;

/* Anything SQLite refuses ends the process: one line on stderr, status 1. */
static void die(const char *what) {
    fprintf(stderr, "bank: %s: %s\n", what, db ? sqlite3_errmsg(db) : "cannot open");
    exit(1);
}

static void exec(const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bank: %s: %s\n", sql, err ? err : "error");
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) die(sql);
    return s;
}

/* step: one step of a statement that must not fail; SQLITE_ROW or SQLITE_DONE. */
static int step(sqlite3_stmt *s) {
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) die(sqlite3_sql(s));
    return rc;
}

static void done(sqlite3_stmt *s) {
    if (sqlite3_reset(s) != SQLITE_OK) die(sqlite3_sql(s));
    sqlite3_clear_bindings(s);
}

static void open_ledger(const char *path) {
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) die(path);
    /* WAL in exclusive locking mode, not a rollback journal. A rollback journal (DELETE) costs a
     * transfer four fsyncs plus a create and an unlink of the journal (counted with ARCA_TRACE=1),
     * and on Arca's encrypted volume each of those is a volume commit (names change like a dirsync
     * mount), on a replicated volume a Raft round trip each. WAL appends the transaction to one
     * file and syncs it once: one commit per transfer.
     * Exclusive locking keeps the WAL index in the process's heap instead of a shared-memory map
     * of a -shm file, which WASI has no way to give (no shared file mappings); the ledger is the
     * only process on its database, so nothing is lost by it, and a restart after a crash (kill
     * -9, failover) rebuilds the index from the WAL. synchronous=FULL syncs the WAL at every
     * COMMIT, so a transfer is durable before it is acknowledged. */
    exec("PRAGMA locking_mode=EXCLUSIVE");
    sqlite3_stmt *s = prepare("PRAGMA journal_mode=WAL");
    if (step(s) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0) {
        fprintf(stderr, "bank: %s: journal_mode is %s, not wal\n", path, sqlite3_column_text(s, 0));
        exit(1);
    }
    sqlite3_finalize(s);
    exec("PRAGMA synchronous=FULL");
    /* schema and seed in one transaction: a crash leaves either nothing or all four accounts */
    exec("BEGIN IMMEDIATE;"
         "CREATE TABLE IF NOT EXISTS accounts(name TEXT PRIMARY KEY, amount INTEGER NOT NULL CHECK (amount >= 0));"
         "CREATE TABLE IF NOT EXISTS transfers(id TEXT PRIMARY KEY, \"from\" TEXT NOT NULL, \"to\" TEXT NOT NULL,"
         "  amount INTEGER NOT NULL CHECK (amount > 0));"
         "INSERT INTO accounts SELECT column1, 1000000 FROM (VALUES ('alice'), ('bob'), ('carol'), ('dave'))"
         "  WHERE NOT EXISTS (SELECT 1 FROM accounts);"
         "COMMIT");
    st_begin = prepare("BEGIN IMMEDIATE");
    st_commit = prepare("COMMIT");
    st_rollback = prepare("ROLLBACK");
    st_has_transfer = prepare("SELECT 1 FROM transfers WHERE id = ?1");
    st_amount = prepare("SELECT amount FROM accounts WHERE name = ?1");
    st_move = prepare("UPDATE accounts SET amount = amount + ?2 WHERE name = ?1");
    st_insert = prepare("INSERT INTO transfers(id, \"from\", \"to\", amount) VALUES (?1, ?2, ?3, ?4)");
    st_balances = prepare("SELECT name, amount FROM accounts ORDER BY name");
    st_count = prepare("SELECT count(*) FROM transfers");
}

/* The answer being built: status and body. */
struct answer { int status; char body[2048]; size_t len; };

static void say(struct answer *a, int status, const char *fmt, ...) {
    va_list ap;
    a->status = status;
    va_start(ap, fmt);
    int n = vsnprintf(a->body + a->len, sizeof a->body - a->len, fmt, ap);
    va_end(ap);
    if (n > 0) a->len += (size_t)n < sizeof a->body - a->len ? (size_t)n : sizeof a->body - 1 - a->len;
}

/* A token of the wire contract: 1-64 of [A-Za-z0-9._-]. */
static int token(const char *s, size_t n) {
    if (n == 0 || n > MAX_TOKEN) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return 0;
    }
    return 1;
}

/* amount: 1-15 digits, positive (so no sign, no spaces, no overflow); -1 if not. */
static long long amount_of(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 15) return -1;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v > 0 ? v : -1;
}

/* form BODY LEN: splits id=..&from=..&to=..&amount=.. (each key exactly once, no other key) into
 * the four strings; 0 if malformed. */
static int form(const char *body, size_t len, char out[4][MAX_TOKEN + 1]) {
    static const char *keys[4] = {"id", "from", "to", "amount"};
    int seen[4] = {0};
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(e - p));
        if (!eq) return 0;
        int k = -1;
        for (int i = 0; i < 4; i++)
            if ((size_t)(eq - p) == strlen(keys[i]) && memcmp(p, keys[i], (size_t)(eq - p)) == 0) k = i;
        if (k < 0 || seen[k]) return 0;
        size_t n = (size_t)(e - eq - 1);
        if (k == 3 ? n == 0 || n > 15 : !token(eq + 1, n)) return 0;
        memcpy(out[k], eq + 1, n);
        out[k][n] = 0;
        seen[k] = 1;
        p = amp ? amp + 1 : end;
    }
    return seen[0] && seen[1] && seen[2] && seen[3];
}

/* balance NAME: the amount, or -1 for an unknown account. */
static long long balance(const char *name) {
    sqlite3_bind_text(st_amount, 1, name, -1, SQLITE_STATIC);
    long long v = step(st_amount) == SQLITE_ROW ? sqlite3_column_int64(st_amount, 0) : -1;
    done(st_amount);
    return v;
}

static void move(const char *name, long long delta) {
    sqlite3_bind_text(st_move, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_move, 2, delta);
    step(st_move);
    if (sqlite3_changes(db) != 1) die("UPDATE accounts: not one row");
    done(st_move);
}

static void run(sqlite3_stmt *s) { step(s); done(s); }

static void transfer(const char *body, size_t len, struct answer *a) {
    char f[4][MAX_TOKEN + 1];
    if (!form(body, len, f)) { say(a, 400, "malformed transfer: want id=ID&from=A&to=B&amount=N\n"); return; }
    const char *id = f[0], *from = f[1], *to = f[2];
    long long n = amount_of(f[3]);
    if (n < 0) { say(a, 400, "amount must be a positive integer\n"); return; }
    if (strcmp(from, to) == 0) { say(a, 400, "from and to are the same account\n"); return; }
    run(st_begin);
    sqlite3_bind_text(st_has_transfer, 1, id, -1, SQLITE_STATIC);
    int already = step(st_has_transfer) == SQLITE_ROW;
    done(st_has_transfer);
    long long have = already ? 0 : balance(from);
    if (already) say(a, 200, "ok %s (already)\n", id);
    else if (have < 0 || balance(to) < 0) say(a, 400, "unknown account\n");
    else if (have < n) say(a, 409, "insufficient funds: %s has %lld\n", from, have);
    if (a->status) { run(st_rollback); return; }
    sqlite3_bind_text(st_insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st_insert, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st_insert, 3, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st_insert, 4, n);
    run(st_insert);
    move(from, -n);
    move(to, n);
    run(st_commit);  /* returns only when the WAL is synced */
    say(a, 200, "ok %s\n", id);
}

static void balances(struct answer *a) {
    long long total = 0;
    while (step(st_balances) == SQLITE_ROW) {
        long long v = sqlite3_column_int64(st_balances, 1);
        total += v;
        say(a, 200, "%s %lld\n", (const char *)sqlite3_column_text(st_balances, 0), v);
    }
    done(st_balances);
    step(st_count);
    say(a, 200, "total %lld\ntransfers %lld\n", total, sqlite3_column_int64(st_count, 0));
    done(st_count);
}

static void lookup(const char *id, struct answer *a) {
    if (!token(id, strlen(id))) { say(a, 400, "bad id\n"); return; }
    sqlite3_bind_text(st_has_transfer, 1, id, -1, SQLITE_STATIC);
    int present = step(st_has_transfer) == SQLITE_ROW;
    done(st_has_transfer);
    say(a, 200, "%s %s\n", present ? "present" : "absent", id);
}

/* A whole request in REQ (HEAD bytes of head, the body after it): its answer. */
static void serve(char *req, size_t head, size_t body_len, struct answer *a) {
    char *eol = strstr(req, "\r\n");
    *eol = 0;
    char method[8], target[MAX_TOKEN + 32], version[16];
    int n = 0;
    if (strlen(req) >= sizeof target || sscanf(req, "%7s %95s %15s%n", method, target, version, &n) != 3 || req[n] != 0
        || (strcmp(version, "HTTP/1.0") != 0 && strcmp(version, "HTTP/1.1") != 0)) {
        say(a, 400, "malformed request line\n");
    } else if (strcmp(method, "POST") == 0 && strcmp(target, "/transfer") == 0) {
        transfer(req + head, body_len, a);
    } else if (strcmp(method, "GET") == 0 && strcmp(target, "/balances") == 0) {
        balances(a);
    } else if (strcmp(method, "GET") == 0 && strncmp(target, "/transfer?id=", 13) == 0) {
        lookup(target + 13, a);
    } else {
        say(a, 404, "not found\n");
    }
}

/* parse_head BUF: -1 while the head is incomplete; else its length, with *want set to the
 * body's length (Content-Length), or -2 if the head is malformed. */
static long parse_head(const char *buf, size_t *want) {
    const char *h = strstr(buf, "\r\n\r\n");
    if (!h) return -1;
    *want = 0;
    for (const char *l = strstr(buf, "\r\n") + 2; l < h + 2; l = strstr(l, "\r\n") + 2) {
        if (strncasecmp(l, "Transfer-Encoding:", 18) == 0) return -2;  /* no chunked bodies */
        if (strncasecmp(l, "Content-Length:", 15) == 0) {
            const char *v = l + 15;
            while (*v == ' ' || *v == '\t') v++;
            size_t cl = 0, digits = 0;
            for (; *v >= '0' && *v <= '9'; v++, digits++) {
                if (cl > MAX_REQUEST) return -2;
                cl = cl * 10 + (size_t)(*v - '0');
            }
            while (*v == ' ' || *v == '\t') v++;
            if (digits == 0 || *v != '\r') return -2;
            *want = cl;
        }
    }
    return h + 4 - buf;
}

static void send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd q = {.fd = fd, .events = POLLOUT};
            if (poll(&q, 1, 5000) > 0) continue;
        }
        if (w <= 0) return;  /* the client went away: the transfer stands, a retry says "already" */
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int fd, const struct answer *a) {
    static const char *reasons[] = {[200] = "OK", [400] = "Bad Request", [404] = "Not Found", [409] = "Conflict",
                                    [503] = "Service Unavailable"};
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                      a->status, reasons[a->status], a->len);
    send_all(fd, head, (size_t)hl);
    send_all(fd, a->body, a->len);
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int fd_now;  /* the client being answered, told 503 if SQLite fails under it */

static void fail_client(void) {
    if (fd_now >= 0) {
        struct answer a = {0};
        say(&a, 503, "ledger unavailable\n");
        reply(fd_now, &a);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: bank DBFILE PORT\n"); return 2; }
    char *end;
    long port = strtol(argv[2], &end, 10);
    if (*end || port < 1 || port > 65535) { fprintf(stderr, "bank: bad port: %s\n", argv[2]); return 2; }
    signal(SIGPIPE, SIG_IGN);
    fd_now = -1;
    atexit(fail_client);  /* die() exits: the client waiting for a commit is told 503 first */
    open_ledger(argv[1]);

    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { fprintf(stderr, "bank: socket: %s\n", strerror(errno)); return 1; }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s, 64) < 0) {
        fprintf(stderr, "bank: listen on %ld: %s\n", port, strerror(errno));
        return 1;
    }
    fcntl(s, F_SETFL, O_NONBLOCK);
    printf("bank: serving on %ld\n", port);
    fflush(stdout);

    static struct pollfd p[MAX_CLIENTS + 1];
    static char buf[MAX_CLIENTS + 1][MAX_REQUEST + 1];
    static size_t used[MAX_CLIENTS + 1];
    static long long since[MAX_CLIENTS + 1];
    static char draining[MAX_CLIENTS + 1];
    p[0].fd = s;
    p[0].events = POLLIN;
    int n = 1;
    for (;;) {
        int r = poll(p, n, 1000);
        if (r < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "bank: poll: %s\n", strerror(errno));
            return 1;
        }
        long long t = now_ms();
        if (p[0].revents & POLLIN) {
            int c;
            while ((c = accept(s, NULL, NULL)) >= 0) {
                if (n == MAX_CLIENTS + 1) { close(c); continue; }  /* full: the client retries */
                fcntl(c, F_SETFL, O_NONBLOCK);
                p[n].fd = c; p[n].events = POLLIN; p[n].revents = 0; used[n] = 0; since[n] = t; draining[n] = 0; n++;
            }
        }
        for (int i = 1; i < n; i++) {
            int finished = t - since[i] > (draining[i] ? DRAIN_MS : IDLE_MS);  /* closed unanswered when idle */
            if (p[i].revents && !finished && draining[i]) {
                /* answered: what the client still sends is read and dropped until it closes, so
                 * that closing with unread input (a TCP reset) does not destroy the answer */
                char sink[4096];
                ssize_t got = read(p[i].fd, sink, sizeof sink);
                finished = got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
            } else if (p[i].revents && !finished) {
                ssize_t got = read(p[i].fd, buf[i] + used[i], MAX_REQUEST - used[i]);
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
                finished = got <= 0;  /* gone before the request was whole: nothing to answer */
                if (got > 0) {
                    used[i] += (size_t)got;
                    buf[i][used[i]] = 0;
                    size_t want = 0;
                    long head = memchr(buf[i], 0, used[i]) ? -2 : parse_head(buf[i], &want);
                    struct answer a = {0};
                    if (head == -2) say(&a, 400, "malformed request\n");
                    else if (head == -1 ? used[i] == MAX_REQUEST : (size_t)head + want > MAX_REQUEST) say(&a, 400, "request too large\n");
                    else if (head >= 0 && used[i] >= (size_t)head + want) {
                        fd_now = p[i].fd;
                        serve(buf[i], (size_t)head, want, &a);
                        fd_now = -1;
                    }
                    if (a.status) {
                        reply(p[i].fd, &a);
                        shutdown(p[i].fd, SHUT_WR);
                        draining[i] = 1;
                        since[i] = t;
                    }
                }
            }
            if (finished) {
                close(p[i].fd);
                n--;
                p[i] = p[n]; used[i] = used[n]; since[i] = since[n]; draining[i] = draining[n];
                memcpy(buf[i], buf[n], used[n] + 1);
                i--;
            }
        }
    }
}
