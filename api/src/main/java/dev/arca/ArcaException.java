package dev.arca;

/**
 * Something Arca was asked to do cannot be done, said in one line ({@link #getMessage}) fit to show
 * a user as it is: a malformed manifest, a program that is not a WebAssembly module, a mount that
 * cannot be made, a limit reached. It is an answer, not a defect, so it carries no stack trace.
 * The subclasses tell the causes apart; none of them is thrown for a bug in Arca.
 */
public class ArcaException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message one line, fit to show a user as it is */
    public ArcaException(String message) {
        super(message, null, false, false);
    }
}
