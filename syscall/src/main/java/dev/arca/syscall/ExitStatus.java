package dev.arca.syscall;

import dev.arca.kernel.Kernel;
import dev.arca.syscall.arca.ArcaAbi;

/**
 * How a process ended.
 *
 * @param code the status for the Arca command: the guest's own exit code, or 128 + the signal
 *     that ended it (134 for a trap, 137 when stopped at a limit), or {@link #RUNTIME_ERROR}
 * @param message one line for the user when the process did not exit by itself, else null
 * @param signal the signal that ended it (Linux numbering), or 0 for a normal exit
 */
public record ExitStatus(int code, String message, int signal) {
    /** The guest trapped (as wasmtime reports traps: 128 + SIGABRT). */
    public static final int TRAP = 134;
    /** The kernel stopped the guest for passing a limit (128 + SIGKILL). */
    public static final int KILLED = 137;
    /** The module could not be started. */
    public static final int RUNTIME_ERROR = 125;

    public static ExitStatus exited(int code) {
        return new ExitStatus(code & 0xFF, null, 0);
    }

    public static ExitStatus signaled(int signal, String message) {
        return new ExitStatus(Kernel.SIGNAL_EXIT_BASE + signal, message, signal);
    }

    /** The status as Linux's wait(2) encodes it (the arca ABI's). */
    public int waitStatus() {
        return ArcaAbi.waitStatus(code, signal);
    }
}
