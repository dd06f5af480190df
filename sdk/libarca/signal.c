/* Signals on Arca's sig_* and proc_kill calls. The kernel keeps dispositions, the mask and
   pending signals; handlers run when the kernel calls the exported __arca_signal at the next
   syscall boundary. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "arca_abi.h"

#define NSIGNALS (ARCA_SIGMAX + 1)

/* wasi-libc's SIG_ERR and SIG_IGN are the addresses of these (1 is a valid function pointer on
   wasm); they are never called. */
void __SIG_ERR(int sig) {
    (void)sig;
}

void __SIG_IGN(int sig) {
    (void)sig;
}
static struct sigaction actions[NSIGNALS];
static unsigned char set_here[NSIGNALS]; /* actions[sig] was set by this process (else: as spawned) */

__attribute__((export_name(ARCA_SIGNAL_ENTRY))) void __arca_signal(int sig) {
    if (sig <= 0 || sig >= NSIGNALS) return;
    struct sigaction a = actions[sig];
    if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN) return;
    uint64_t old = 0;
    uint64_t block = a.sa_mask | ((a.sa_flags & SA_NODEFER) ? 0 : (1ull << sig));
    __arca_sig_mask(SIG_BLOCK, block, &old);
    if (a.sa_flags & SA_RESETHAND) {
        int32_t ignored;
        actions[sig].sa_handler = SIG_DFL;
        __arca_sig_action(sig, ARCA_SIG_DEFAULT, &ignored);
    }
    if (a.sa_flags & SA_SIGINFO) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = sig;
        a.sa_sigaction(sig, &info, NULL);
    } else {
        a.sa_handler(sig);
    }
    __arca_sig_mask(SIG_SETMASK, old, &old);
}

static int valid(int sig) {
    return sig > 0 && sig < NSIGNALS;
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
    if (!valid(sig)) {
        errno = EINVAL;
        return -1;
    }
    if (old) {
        *old = actions[sig];
        int32_t inherited;
        /* a spawned child keeps the signals its parent ignored (execve's rule): the kernel knows */
        if (!set_here[sig] && __arca_sig_action(sig, ARCA_SIG_QUERY, &inherited) == 0 && inherited == ARCA_SIG_IGNORE)
            old->sa_handler = SIG_IGN;
    }
    if (act) {
        int disposition = act->sa_handler == SIG_DFL ? ARCA_SIG_DEFAULT : act->sa_handler == SIG_IGN ? ARCA_SIG_IGNORE : ARCA_SIG_HANDLE;
        if (disposition == ARCA_SIG_HANDLE && (act->sa_flags & SA_RESTART)) disposition |= ARCA_SIG_RESTART;
        int32_t prev;
        int32_t err = __arca_sig_action(sig, disposition, &prev);
        if (err) {
            errno = err;
            return -1;
        }
        actions[sig] = *act;
        set_here[sig] = 1;
    }
    return 0;
}

void (*signal(int sig, void (*handler)(int)))(int) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (sigaction(sig, &sa, &old) != 0) return SIG_ERR;
    return old.sa_handler;
}

int kill(pid_t pid, int sig) {
    int32_t err = __arca_proc_kill(pid, sig);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int killpg(pid_t pgrp, int sig) {
    if (pgrp <= 1) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgrp, sig);
}

int raise(int sig) {
    return kill(getpid(), sig);
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
    uint64_t prev = 0;
    int32_t err;
    if (set) {
        err = __arca_sig_mask(how, *set, &prev);
    } else {
        err = __arca_sig_mask(SIG_BLOCK, 0, &prev); /* query: block nothing */
    }
    if (err) {
        errno = err;
        return -1;
    }
    if (old) *old = prev;
    return 0;
}

int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
    return sigprocmask(how, set, old) == 0 ? 0 : errno;
}

int sigpending(sigset_t *set) {
    uint64_t p = 0;
    int32_t err = __arca_sig_pending(&p);
    if (err) {
        errno = err;
        return -1;
    }
    *set = p;
    return 0;
}

int sigsuspend(const sigset_t *mask) {
    /* ppoll on no descriptors with this mask: the kernel swaps the mask in for the wait, returns
       EINTR when a signal is let in, runs its handler and only then restores the old mask */
    uint64_t m = *mask;
    for (;;) {
        uint32_t ready = 0;
        int32_t err = __arca_fd_poll(NULL, 0, -1, &m, &ready);
        if (err == EINTR) break;
        if (err) {
            errno = err;
            return -1;
        }
    }
    errno = EINTR;
    return -1;
}

int sigemptyset(sigset_t *s) {
    *s = 0;
    return 0;
}

int sigfillset(sigset_t *s) {
    *s = ~(sigset_t)1;
    return 0;
}

int sigaddset(sigset_t *s, int sig) {
    if (!valid(sig)) {
        errno = EINVAL;
        return -1;
    }
    *s |= 1ull << sig;
    return 0;
}

int sigdelset(sigset_t *s, int sig) {
    if (!valid(sig)) {
        errno = EINVAL;
        return -1;
    }
    *s &= ~(1ull << sig);
    return 0;
}

int sigismember(const sigset_t *s, int sig) {
    if (!valid(sig)) {
        errno = EINVAL;
        return -1;
    }
    return (*s >> sig) & 1;
}

int pause(void) {
    sigset_t none = 0;
    return sigsuspend(&none);
}
