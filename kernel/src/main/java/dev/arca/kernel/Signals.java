package dev.arca.kernel;

/**
 * Signal numbers of the {@code arca} ABI (Linux's, which wasi-libc's {@code <signal.h>} uses) and
 * their default actions. WASI's own {@code proc_raise} numbers signals differently (its witx
 * enum); {@link #fromWasi} converts.
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGABRT = 6, SIGKILL = 9, SIGUSR1 = 10,
            SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17,
            SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
            SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28;

    /** Highest signal number accepted. */
    public static final int MAX = 31;

    /** Dispositions a process can set. */
    public static final int DEFAULT = 0, IGNORE = 1, HANDLE = 2;
    /**
     * With HANDLE: a call this signal interrupts is restarted after the handler ran, as with
     * {@code SA_RESTART} (for the calls Linux restarts: reads, writes, accepts, waits, lock waits).
     */
    public static final int RESTART = 0x100;

    /** Whether the default action of {@code sig} is to do nothing (no job control in Arca). */
    public static boolean ignoredByDefault(int sig) {
        return switch (sig) {
            case SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> true;
            default -> false;
        };
    }

    /** Signals that cannot be caught, blocked or ignored. */
    public static boolean uncatchable(int sig) {
        return sig == SIGKILL || sig == SIGSTOP;
    }

    /** WASI witx signal numbers (proc_raise) to Linux's. */
    public static int fromWasi(int w) {
        return switch (w) {
            case 16 -> SIGCHLD;
            case 17 -> SIGCONT;
            case 18 -> SIGSTOP;
            case 19 -> SIGTSTP;
            case 20 -> SIGTTIN;
            case 21 -> SIGTTOU;
            case 22 -> SIGURG;
            case 23, 24, 25, 26 -> w + 1; // XCPU, XFSZ, VTALRM, PROF
            case 27 -> SIGWINCH;
            case 28, 29, 30 -> w + 1; // POLL, PWR, SYS
            default -> w; // 1..15 agree
        };
    }
}
