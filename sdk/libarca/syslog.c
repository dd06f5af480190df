/* syslog: Arca has no system logger (no /dev/log, no daemon), so each message goes to standard
   error, the instance's log, as one line "IDENT[PID]: MESSAGE" (the PID only with LOG_PID), written
   with one write so that lines of concurrent processes do not interleave. Priorities outside the
   mask of setlogmask are dropped, as syslog(3) says. "%m" is the text of errno, as in glibc. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char *log_ident;
static int log_option;
static int log_mask = 0xff;

void openlog(const char *ident, int option, int facility) {
    (void)facility;
    log_ident = ident;
    log_option = option;
}

void closelog(void) {
    log_ident = NULL;
    log_option = 0;
}

int setlogmask(int mask) {
    int old = log_mask;
    if (mask != 0) log_mask = mask;
    return old;
}

/* Copies format into out with each "%m" replaced by text (a "%%" kept as it is). */
static void expand_m(const char *format, const char *text, char *out, size_t cap) {
    size_t n = 0, tl = strlen(text);
    for (const char *p = format; *p && n + 1 < cap; p++) {
        if (p[0] == '%' && p[1] == 'm') {
            for (size_t i = 0; i < tl && n + 1 < cap; i++) {
                if (text[i] == '%' && n + 2 < cap) out[n++] = '%';  /* stays literal for printf */
                out[n++] = text[i];
            }
            p++;
        } else if (p[0] == '%' && p[1] == '%') {
            if (n + 2 < cap) { out[n++] = '%'; out[n++] = '%'; }
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = 0;
}

void vsyslog(int priority, const char *format, va_list ap) {
    if (!(log_mask & LOG_MASK(LOG_PRI(priority)))) return;
    int saved = errno;
    char fmt[1024], line[2048];
    expand_m(format, strerror(saved), fmt, sizeof fmt);
    int n;
    const char *ident = log_ident ? log_ident : "syslog";
    if (log_option & LOG_PID) n = snprintf(line, sizeof line, "%s[%d]: ", ident, (int)getpid());
    else n = snprintf(line, sizeof line, "%s: ", ident);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof line) {
        int m = vsnprintf(line + n, sizeof line - n, fmt, ap);
        if (m > 0) n += m;
    }
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    if (n > 0 && line[n - 1] == '\n') n--;  /* one line per message, whatever the caller ends with */
    line[n++] = '\n';
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(2, line + off, n - off);
        if (w < 0) { if (errno == EINTR) continue; break; }
        off += w;
    }
    errno = saved;
}

void syslog(int priority, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsyslog(priority, format, ap);
    va_end(ap);
}
