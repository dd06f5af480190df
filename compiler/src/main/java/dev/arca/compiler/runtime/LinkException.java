package dev.arca.compiler.runtime;

/** An import that does not match what the module declares ("incompatible import type"). */
public final class LinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LinkException(String message) {
        super(message, null, false, false);
    }
}
