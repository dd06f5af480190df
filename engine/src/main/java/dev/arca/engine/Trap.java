package dev.arca.engine;

/**
 * The guest trapped. The message is the trap's ("integer divide by zero", "out of bounds memory
 * access", "unreachable", "call stack exhausted", ...).
 */
public final class Trap extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String function;
    private final boolean exception;

    /** @param function the guest function that trapped (its name, or "function #N"), or null */
    public Trap(String message, String function, boolean exception, Throwable cause) {
        super(message, cause, false, false);
        this.function = function;
        this.exception = exception;
    }

    /** The guest function that trapped, or null when unknown. */
    public String function() {
        return function;
    }

    /** Whether this was a wasm exception (exception handling) that no handler caught. */
    public boolean isUncaughtException() {
        return exception;
    }
}
