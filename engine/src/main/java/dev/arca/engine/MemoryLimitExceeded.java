package dev.arca.engine;

/** Thrown through the guest's frames when it grows its memory past the operator's limit. */
public final class MemoryLimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryLimitExceeded(int limitPages, long wantedPages) {
        super("memory limit of " + (limitPages >> 4) + " MiB exceeded (memory.grow to "
                + (wantedPages >> 4) + " MiB)", null, false, false);
    }
}
