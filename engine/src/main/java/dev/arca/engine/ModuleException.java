package dev.arca.engine;

/** A module that cannot be loaded: malformed, invalid, or asking for more than its limits. */
public final class ModuleException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModuleException(String message) {
        super(message, null, false, false);
    }
}
