package dev.arca.compiler;

/**
 * A module Arca's compiler does not translate, with a one-line reason: either it is invalid in a
 * way the validator let through ({@link #invalid()}), or it is valid but uses what the compiler
 * does not support or passes one of its limits.
 */
public final class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean invalid;

    public CompileException(String message) {
        this(message, false);
    }

    public CompileException(String message, boolean invalid) {
        super(message, null, false, false);
        this.invalid = invalid;
    }

    public static CompileException invalid(String message) {
        return new CompileException(message, true);
    }

    public boolean invalid() {
        return invalid;
    }
}
