package dev.arca.compiler;

/** A valid module that Arca's compiler cannot translate (an unsupported instruction or a limit), with a one-line reason. */
public final class CompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CompileException(String message) {
        super(message, null, false, false);
    }
}
