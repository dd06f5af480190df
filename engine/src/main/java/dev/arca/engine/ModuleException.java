package dev.arca.engine;

/** A module that cannot be loaded or instantiated: malformed, invalid, not linkable, or asking for more than its limits. */
public final class ModuleException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why: the categories of the WebAssembly specification's tests, plus Arca's own limits. */
    public enum Kind { MALFORMED, INVALID, UNLINKABLE, UNINSTANTIABLE, LIMIT }

    private final Kind kind;

    public ModuleException(String message) {
        this(Kind.INVALID, message);
    }

    public ModuleException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
