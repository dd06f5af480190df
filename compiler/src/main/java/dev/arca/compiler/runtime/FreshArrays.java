package dev.arca.compiler.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Arrays for new linear memories, allocated ahead of need on a thread of their own. The JVM zeroes
 * every array it allocates, and a memory is one array of its whole size: a `perf` profile of
 * 20,000 spawns of a small program (1 MiB of initial memory) had 32 % of all the process's samples,
 * two thirds of the spawning thread's, in the {@code memset} of that allocation. A size asked for
 * a second time (a program spawned again) is kept ready: up to {@link #PER_SIZE} arrays of it, at
 * most {@link #BUDGET} bytes in all, allocated by the {@code arca-memory-ahead} thread, so the
 * zeroing runs beside the spawning thread instead of on it.
 *
 * <p>Every array handed out is a new one that nothing else has seen: arrays are never recycled
 * from memories that were in use (a kernel object holding a dead process's memory, a pipe's
 * waiting reader say, could otherwise write into another process's).
 */
public final class FreshArrays {
    private FreshArrays() {}

    /** Most arrays kept ready of one size. */
    static final int PER_SIZE = 4;
    /** Most bytes kept ready in all. */
    static final long BUDGET = 32L << 20;
    /** Largest array kept ready (larger memories are allocated when asked for, as before). */
    static final int MAX_BYTES = 8 << 20;

    private record Size(ConcurrentLinkedQueue<byte[]> ready, AtomicInteger asked) {}

    private static final Map<Integer, Size> SIZES = new ConcurrentHashMap<>();
    private static final AtomicLong held = new AtomicLong();
    private static volatile Thread filler;

    /**
     * A zeroed array of {@code length} bytes: one made ahead when there is one, else a new one.
     * The first request of a length only records it (a single run pays nothing for this).
     */
    public static byte[] take(int length) {
        if (length <= 0 || length > MAX_BYTES) return new byte[length];
        Size s = SIZES.get(length);
        if (s == null) {
            if (SIZES.size() < 64) SIZES.putIfAbsent(length, new Size(new ConcurrentLinkedQueue<>(), new AtomicInteger()));
            s = SIZES.get(length);
            if (s == null) return new byte[length];
        }
        byte[] a = s.ready().poll();
        if (a != null) held.addAndGet(-length);
        if (s.asked().get() >= 2 || s.asked().incrementAndGet() >= 2) wake(); // counts to 2 only: no overflow
        return a != null ? a : new byte[length];
    }

    private static void wake() {
        Thread t = filler;
        if (t == null) {
            synchronized (FreshArrays.class) {
                if (filler == null) {
                    filler = Thread.ofPlatform().daemon().name("arca-memory-ahead").start(FreshArrays::fill);
                }
                t = filler;
            }
        }
        LockSupport.unpark(t);
    }

    /** The filler: tops up every size asked for twice, then waits to be woken. */
    private static void fill() {
        while (true) {
            boolean made = false;
            for (Map.Entry<Integer, Size> e : SIZES.entrySet()) {
                int length = e.getKey();
                Size s = e.getValue();
                if (s.asked().get() < 2 || s.ready().size() >= PER_SIZE || held.get() + length > BUDGET) continue;
                byte[] a;
                try {
                    a = new byte[length];
                } catch (OutOfMemoryError full) {
                    break; // the heap is full: the guests need it more; try again when woken
                }
                held.addAndGet(length);
                s.ready().add(a);
                made = true;
            }
            if (!made) LockSupport.park();
        }
    }

    /** Bytes held in arrays made ahead (for tests). */
    static long held() {
        return held.get();
    }

    /** Arrays of {@code length} ready now (for tests). */
    static int ready(int length) {
        Size s = SIZES.get(length);
        return s == null ? 0 : s.ready().size();
    }
}
