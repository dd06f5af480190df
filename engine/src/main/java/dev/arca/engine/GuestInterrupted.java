package dev.arca.engine;

/** The guest stopped because its thread was interrupted: the kernel kills a process that way. */
public final class GuestInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestInterrupted() {
        super("interrupted", null, false, false);
    }
}
