package dev.arca;

/**
 * How a guest process ended.
 *
 * <ul>
 * <li>It exited by itself: {@code code} is its exit status (0 to 255), {@code signal} 0, {@code reason} null.
 * <li>A signal ended it: {@code code} is 128 + {@code signal}, as a shell reports it, and {@code
 *     reason} one line: 134 ({@code SIGABRT}) for a trap ({@code "trap: integer divide by zero in
 *     split_position"}), 137 ({@code SIGKILL}) when it was stopped at a limit, by the embedder or
 *     because the instance closed ({@code "killed: CPU time limit of 500 ms exceeded"}), 128 + N
 *     for signal N from another process ({@code "terminated by signal 15"}).
 * <li>It could not be started (an import Arca does not offer, no {@code _start}, initial memory
 *     above the limit): {@code code} 125, {@code signal} 0, and the reason. {@link
 *     Instance#run} throws a {@link ProgramException} for this instead.
 * </ul>
 *
 * @param code the status as the {@code arca} command exits with it
 * @param signal the signal that ended it (Linux numbering), or 0
 * @param reason one line when it did not exit by itself, else null
 */
public record ExitStatus(int code, int signal, String reason) {
    /** {@code code} for a process that could not be started. */
    public static final int NOT_STARTED = 125;

    /** Whether it exited by itself with status 0. */
    public boolean success() {
        return code == 0 && signal == 0 && reason == null;
    }

    /** Whether it exited by itself (with any status), rather than being ended by a signal or never starting. */
    public boolean exited() {
        return signal == 0 && reason == null;
    }
}
