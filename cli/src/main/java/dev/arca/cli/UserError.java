package dev.arca.cli;

/** A mistake in what the user asked for: reported as one line, never with a stack trace. */
final class UserError extends Exception {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message, null, false, false);
    }
}
