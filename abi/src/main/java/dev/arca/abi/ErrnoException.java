package dev.arca.abi;

/**
 * A failed operation: an {@link Errno} plus a message. It is control flow, not a bug, so it has no
 * stack trace (creating one would dominate the cost of a failed syscall).
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Errno errno;

    ErrnoException(Errno errno, String message) {
        super(message == null ? errno.name() : errno.name() + ": " + message, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
