package dev.arca.syscall;

/**
 * How a process ended.
 *
 * @param code the status for the Arca command: the guest's own exit code, or one of the codes
 *     below
 * @param message one line for the user when the process did not exit by itself, else null
 */
public record ExitStatus(int code, String message) {
    /** The guest trapped (as wasmtime reports traps: 128 + SIGABRT). */
    public static final int TRAP = 134;
    /** The kernel stopped the guest for passing a limit (128 + SIGKILL). */
    public static final int KILLED = 137;
}
