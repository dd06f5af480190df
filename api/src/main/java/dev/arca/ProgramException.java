package dev.arca;

/**
 * A program cannot be run: its file cannot be read (missing, not a regular file, larger than a
 * module may be), it is not a valid WebAssembly module, or it cannot be instantiated (an import
 * Arca does not offer, no {@code _start}, initial memory above the instance's limit).
 */
public final class ProgramException extends ArcaException {
    private static final long serialVersionUID = 1L;

    /** @param message one line, fit to show a user as it is */
    public ProgramException(String message) {
        super(message);
    }
}
