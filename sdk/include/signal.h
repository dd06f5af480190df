/* Arca SDK overlay: wasi-libc's <signal.h> plus the signal calls Arca implements (kill,
   sigaction, sigprocmask, ...). Handlers run at the next syscall boundary of the process. */
#ifndef _ARCA_SIGNAL_H
#define _ARCA_SIGNAL_H
#ifndef _WASI_EMULATED_SIGNAL
#define _WASI_EMULATED_SIGNAL 1
#define _ARCA_DEFINED_EMULATED_SIGNAL 1
#endif
#include_next <signal.h>
#ifdef _ARCA_DEFINED_EMULATED_SIGNAL
#undef _WASI_EMULATED_SIGNAL
#undef _ARCA_DEFINED_EMULATED_SIGNAL
#endif
#include <sys/types.h>
#include <__typedef_sigset_t.h>
#ifdef __cplusplus
extern "C" {
#endif
/* wasi-libc leaves these out ("WASI has no sigaction"); Arca has sigaction. */
union sigval {
    int sival_int;
    void *sival_ptr;
};
typedef struct {
    int si_signo, si_errno, si_code;
    pid_t si_pid;
    uid_t si_uid;
    int si_status;
    union sigval si_value;
    void *si_addr; /* always null: no fault is a signal in Arca (a fault is a trap) */
} siginfo_t;
#ifndef SI_USER
#define SI_USER 0 /* kill, raise: what every signal a handler sees in Arca says */
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#endif
struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, siginfo_t *, void *);
    } __sa_handler;
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction
#ifndef SIG_BLOCK
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#endif
#ifndef SA_RESTART
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#endif
int kill(pid_t, int);
int killpg(pid_t, int);
int sigemptyset(sigset_t *);
int sigfillset(sigset_t *);
int sigaddset(sigset_t *, int);
int sigdelset(sigset_t *, int);
int sigismember(const sigset_t *, int);
int sigprocmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int pthread_sigmask(int, const sigset_t *__restrict, sigset_t *__restrict);
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
int sigpending(sigset_t *);
int sigsuspend(const sigset_t *);
#ifdef __cplusplus
}
#endif
#endif
