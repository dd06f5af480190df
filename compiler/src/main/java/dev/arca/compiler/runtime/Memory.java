package dev.arca.compiler.runtime;

import java.util.Arrays;

/**
 * A linear memory: one contiguous {@code byte[]} whose length is always exactly the memory's
 * size, so the JVM's own array bounds check is the wasm bounds check. Compiled code keeps
 * {@link #bytes} in a local and reloads it after every call and {@code memory.grow}, because
 * growing replaces the array.
 *
 * <p>A Java array holds at most 2^31 - 1 bytes, so a memory holds at most {@link #MAX_PAGES}
 * pages (2 GiB - 64 KiB), not wasm32's 4 GiB; {@code memory.grow} past that returns -1, as the
 * specification allows.
 */
public final class Memory {
    public static final int PAGE_SIZE = 65536;
    /** The most pages a memory can have here: 2 GiB - 64 KiB, the largest array size. */
    public static final int MAX_PAGES = 32767;

    /** The memory's contents; its length is the memory's size. */
    public byte[] bytes;
    private final int declaredMax;
    private final int limitPages;
    private final boolean shared;

    /**
     * @param initialPages pages at start (at most the limit and {@link #MAX_PAGES}, checked by the caller)
     * @param declaredMax the module's declared maximum in pages (65536 when none)
     * @param limitPages the operator's limit: growing past it (within the declared maximum)
     *     throws {@link MemoryLimitReached}
     */
    public Memory(int initialPages, int declaredMax, int limitPages, boolean shared) {
        if (initialPages < 0 || initialPages > MAX_PAGES) {
            throw new IllegalArgumentException("initial pages out of range: " + initialPages);
        }
        this.bytes = new byte[initialPages * PAGE_SIZE];
        this.declaredMax = declaredMax;
        this.limitPages = limitPages;
        this.shared = shared;
    }

    public int pages() {
        return bytes.length >>> 16;
    }

    public int declaredMaximum() {
        return declaredMax;
    }

    public boolean shared() {
        return shared;
    }

    /** memory.grow: the old size in pages, or -1 when it cannot grow that far. */
    public int grow(int deltaPages) {
        int old = pages();
        long wanted = old + Integer.toUnsignedLong(deltaPages);
        if (wanted > declaredMax) return -1;
        if (wanted > limitPages) throw new MemoryLimitReached(limitPages, wanted);
        if (wanted > MAX_PAGES) return -1;
        if (wanted == old) return old;
        try {
            bytes = Arrays.copyOf(bytes, (int) wanted * PAGE_SIZE);
        } catch (OutOfMemoryError e) {
            return -1; // the JVM's heap is full: a failed grow, which malloc reports as ENOMEM
        }
        return old;
    }

    /** memory.fill: {@code n} bytes of {@code value} at {@code dest} (unsigned), or a trap. */
    public void fill(int dest, int value, int n) {
        long end = Integer.toUnsignedLong(dest) + Integer.toUnsignedLong(n);
        if (end > bytes.length) throw Trap.outOfBoundsMemory();
        Arrays.fill(bytes, dest, (int) end, (byte) value);
    }

    /** memory.copy within this memory (overlapping ranges allowed). */
    public void copy(int dest, int src, int n) {
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(dest) + un > bytes.length || Integer.toUnsignedLong(src) + un > bytes.length) {
            throw Trap.outOfBoundsMemory();
        }
        System.arraycopy(bytes, src, bytes, dest, n);
    }

    /** memory.copy from another memory (multi-memory) into this one. */
    public void copyFrom(Memory from, int dest, int src, int n) {
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(dest) + un > bytes.length || Integer.toUnsignedLong(src) + un > from.bytes.length) {
            throw Trap.outOfBoundsMemory();
        }
        System.arraycopy(from.bytes, src, bytes, dest, n);
    }

    /** memory.init: bytes [src, src+n) of a data segment (null when dropped) to dest. */
    public void init(byte[] segment, int dest, int src, int n) {
        int segLen = segment == null ? 0 : segment.length;
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(src) + un > segLen || Integer.toUnsignedLong(dest) + un > bytes.length) {
            throw Trap.outOfBoundsMemory();
        }
        if (n != 0) System.arraycopy(segment, src, bytes, dest, n);
    }
}
