package dev.arca.compiler.runtime;

/**
 * Thrown through the guest's frames when its thread was interrupted (a kill or a CPU limit):
 * compiled code polls for that at loop back-edges and function entries.
 */
public final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
        super("interrupted", null, false, false);
    }
}
