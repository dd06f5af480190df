package dev.arca.syscall;

/** Thrown through the guest's frames when it exits (proc_exit) or dies of a signal. */
public final class ProcessExit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final int signal;

    private ProcessExit(int code, int signal) {
        super(null, null, false, false);
        this.code = code;
        this.signal = signal;
    }

    public static ProcessExit code(int code) {
        return new ProcessExit(code, 0);
    }

    public static ProcessExit signal(int signal) {
        return new ProcessExit(128 + signal, signal);
    }

    public int exitCode() {
        return code;
    }

    /** The terminating signal (WASI numbering), or 0 for a normal exit. */
    public int signal() {
        return signal;
    }
}
