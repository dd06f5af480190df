package dev.arca.compiler.runtime;

/** Thrown through the guest's frames when memory.grow would pass the operator's limit. */
public final class MemoryLimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int limitPages;
    private final long wantedPages;

    MemoryLimitReached(int limitPages, long wantedPages) {
        super("memory limit of " + limitPages + " pages reached", null, false, false);
        this.limitPages = limitPages;
        this.wantedPages = wantedPages;
    }

    public int limitPages() {
        return limitPages;
    }

    public long wantedPages() {
        return wantedPages;
    }
}
