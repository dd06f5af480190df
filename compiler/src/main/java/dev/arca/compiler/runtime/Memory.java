package dev.arca.compiler.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A linear memory: one contiguous {@code byte[]}.
 *
 * <p>An unshared memory's array length is always exactly its size, so the JVM's own array bounds
 * check is the wasm bounds check; compiled code keeps {@link #bytes} in a local and reloads it
 * after every call and {@code memory.grow}, because growing replaces the array.
 *
 * <p>A shared memory (the threads proposal) is seen by several threads at once, each with the
 * array in a local: its array is therefore allocated once at its capacity (the declared maximum,
 * bounded by the operator's limit and {@link #MAX_PAGES}) and never replaced. Its size is
 * {@link #size}, which growing raises; compiled code checks every access to a shared memory
 * against it. It also holds the waiters of {@code memory.atomic.wait}.
 *
 * <p>A Java array holds at most 2^31 - 1 bytes, so a memory holds at most {@link #MAX_PAGES}
 * pages (2 GiB - 64 KiB), not wasm32's 4 GiB; {@code memory.grow} past that returns -1, as the
 * specification allows.
 */
public final class Memory {
    public static final int PAGE_SIZE = 65536;
    /** The most pages a memory can have here: 2 GiB - 64 KiB, the largest array size. */
    public static final int MAX_PAGES = 32767;

    private static final VarHandle SIZE;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(Memory.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The memory's contents: its length is the size (unshared) or the capacity (shared). */
    public byte[] bytes;
    /**
     * The memory's size in bytes. Read plainly: a thread learns of another's growth through an
     * atomic (or a call into the host), whose happens-before edge makes the new size visible;
     * written with release semantics under this object's lock.
     */
    public int size;
    private final int declaredMax;
    private final int limitPages;
    private final boolean shared;
    /** Threads in memory.atomic.wait, by address, in arrival order; guarded by this. Null when unshared. */
    private final Map<Integer, ArrayDeque<Waiter>> waiters;

    /**
     * @param initialPages pages at start (at most the limit and {@link #MAX_PAGES}, checked by the caller)
     * @param declaredMax the module's declared maximum in pages (65536 when none)
     * @param limitPages the operator's limit: growing past it (within the declared maximum)
     *     throws {@link MemoryLimitReached}
     * @throws IllegalArgumentException when the array cannot be allocated (a shared memory's
     *     capacity is allocated up front)
     */
    public Memory(int initialPages, int declaredMax, int limitPages, boolean shared) {
        if (initialPages < 0 || initialPages > MAX_PAGES) {
            throw new IllegalArgumentException("initial pages out of range: " + initialPages);
        }
        this.declaredMax = declaredMax;
        this.limitPages = limitPages;
        this.shared = shared;
        int capacityPages = shared ? Math.max(initialPages, Math.min(declaredMax, Math.min(limitPages, MAX_PAGES))) : initialPages;
        try {
            this.bytes = shared ? new byte[capacityPages * PAGE_SIZE] : FreshArrays.take(capacityPages * PAGE_SIZE);
        } catch (OutOfMemoryError e) {
            throw new IllegalArgumentException("cannot allocate " + (shared ? "the shared memory's capacity of " : "")
                    + capacityPages + " pages (" + (capacityPages >> 4) + " MiB): the JVM's heap is full");
        }
        this.size = initialPages * PAGE_SIZE;
        this.waiters = shared ? new HashMap<>() : null;
        if (shared) {
            locks = new Object[1 << LOCK_BITS];
            for (int i = 0; i < locks.length; i++) locks[i] = new Object();
        } else {
            locks = null;
        }
    }

    /** Locks of atomic accesses (see {@link Atomics}) of a shared memory: 2^LOCK_BITS of them. */
    private static final int LOCK_BITS = 8;
    private final Object[] locks;

    /**
     * The lock of an atomic access at {@code index}: the same for every access within one
     * aligned 8-byte block, so overlapping atomics of any width exclude each other; blocks are
     * spread over the locks by a multiplicative hash, so that locations at a power-of-two stride
     * (an array of structures holding mutexes) do not all meet on one lock. An unshared memory is
     * used by one thread at a time: its own object, never contended.
     */
    Object lockFor(int index) {
        return locks == null ? this : locks[((index >>> 3) * 0x9E3779B1) >>> (32 - LOCK_BITS)];
    }

    public int pages() {
        return size >>> 16;
    }

    /** A shared memory's capacity in pages: it never grows past it; an unshared memory's size. */
    public int capacityPages() {
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
        if (shared) {
            synchronized (this) {
                return growTo(deltaPages);
            }
        }
        return growTo(deltaPages);
    }

    private int growTo(int deltaPages) {
        int old = pages();
        long wanted = old + Integer.toUnsignedLong(deltaPages);
        if (wanted > declaredMax) return -1;
        if (wanted > limitPages) throw new MemoryLimitReached(limitPages, wanted);
        if (wanted > MAX_PAGES) return -1;
        if (wanted == old) return old;
        int newSize = (int) wanted * PAGE_SIZE;
        if (shared) {
            if (newSize > bytes.length) return -1; // past the capacity allocated at the start
            SIZE.setRelease(this, newSize);
            return old;
        }
        try {
            bytes = Arrays.copyOf(bytes, newSize);
        } catch (OutOfMemoryError e) {
            return -1; // the JVM's heap is full: a failed grow, which malloc reports as ENOMEM
        }
        size = newSize;
        return old;
    }

    /** memory.fill: {@code n} bytes of {@code value} at {@code dest} (unsigned), or a trap. */
    public void fill(int dest, int value, int n) {
        long end = Integer.toUnsignedLong(dest) + Integer.toUnsignedLong(n);
        if (end > size) throw Trap.outOfBoundsMemory();
        Arrays.fill(bytes, dest, (int) end, (byte) value);
    }

    /** memory.copy within this memory (overlapping ranges allowed). */
    public void copy(int dest, int src, int n) {
        long un = Integer.toUnsignedLong(n);
        int size = this.size;
        if (Integer.toUnsignedLong(dest) + un > size || Integer.toUnsignedLong(src) + un > size) {
            throw Trap.outOfBoundsMemory();
        }
        System.arraycopy(bytes, src, bytes, dest, n);
    }

    /** memory.copy from another memory (multi-memory) into this one. */
    public void copyFrom(Memory from, int dest, int src, int n) {
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(dest) + un > size || Integer.toUnsignedLong(src) + un > from.size) {
            throw Trap.outOfBoundsMemory();
        }
        System.arraycopy(from.bytes, src, bytes, dest, n);
    }

    /** memory.init: bytes [src, src+n) of a data segment (null when dropped) to dest. */
    public void init(byte[] segment, int dest, int src, int n) {
        int segLen = segment == null ? 0 : segment.length;
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(src) + un > segLen || Integer.toUnsignedLong(dest) + un > size) {
            throw Trap.outOfBoundsMemory();
        }
        if (n != 0) System.arraycopy(segment, src, bytes, dest, n);
    }

    // ---- memory.atomic.wait and notify ---------------------------------------------------

    /** A thread in memory.atomic.wait; {@code notified} is set under the memory's lock. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        boolean notified;
    }

    /** The value a wait compares, read under the lock; index checked by the caller. */
    @FunctionalInterface
    interface Comparison {
        boolean equal();
    }

    /**
     * memory.atomic.wait at {@code index} (checked for bounds and alignment by the caller):
     * 0 when woken by a notify, 1 when the value there is not {@code expected}, 2 when
     * {@code timeoutNanos} (negative: none) passed first.
     *
     * @throws Trap "expected shared memory" on an unshared memory
     * @throws Stopped when the thread is interrupted (Arca stops a guest that way)
     */
    int await(int index, Comparison equal, long timeoutNanos) {
        if (!shared) throw new Trap("expected shared memory");
        if (Thread.currentThread().isInterrupted()) throw new Stopped();
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        Waiter me = new Waiter();
        ArrayDeque<Waiter> queue;
        synchronized (this) {
            if (!equal.equal()) return 1;
            if (timeoutNanos == 0) return 2;
            queue = waiters.computeIfAbsent(index, k -> new ArrayDeque<>());
            queue.addLast(me);
        }
        boolean stopped = false;
        while (true) {
            synchronized (this) {
                // a stopped guest never returns from its wait, even when a notify came too
                if (!stopped && me.notified) return 0;
                if (stopped || (timeoutNanos >= 0 && System.nanoTime() - deadline >= 0)) {
                    if (!me.notified) {
                        queue.remove(me);
                        if (queue.isEmpty() && waiters.get(index) == queue) waiters.remove(index);
                    }
                    if (stopped) throw new Stopped();
                    return 2;
                }
            }
            if (timeoutNanos < 0) LockSupport.park(this);
            else LockSupport.parkNanos(this, deadline - System.nanoTime());
            // a wake-up from a notify, the deadline, an interrupt, or none (spurious): look again
            if (Thread.currentThread().isInterrupted()) stopped = true;
        }
    }

    /** memory.atomic.notify at {@code index} (checked by the caller): wakes up to {@code count} (unsigned) waiters, oldest first. */
    int notify(int index, int count) {
        if (!shared || count == 0) return 0;
        long max = Integer.toUnsignedLong(count);
        int woken = 0;
        synchronized (this) {
            ArrayDeque<Waiter> queue = waiters.get(index);
            if (queue == null) return 0;
            while (woken < max && !queue.isEmpty()) {
                Waiter w = queue.pollFirst();
                w.notified = true;
                LockSupport.unpark(w.thread);
                woken++;
            }
            if (queue.isEmpty()) waiters.remove(index);
        }
        return woken;
    }
}
