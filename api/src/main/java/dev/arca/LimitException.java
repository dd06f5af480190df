package dev.arca;

/** A limit of the instance refuses the request: starting a process past the process limit. */
public final class LimitException extends ArcaException {
    private static final long serialVersionUID = 1L;

    /** @param message one line, fit to show a user as it is */
    public LimitException(String message) {
        super(message);
    }
}
