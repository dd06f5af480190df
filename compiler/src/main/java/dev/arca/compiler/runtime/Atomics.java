package dev.arca.compiler.runtime;

import java.lang.invoke.VarHandle;

/**
 * The threads proposal's atomic instructions, which compiled code calls (small static methods).
 *
 * <p>Java 25 offers no atomic access to an int or long inside a {@code byte[]}: the
 * little-endian views of {@link java.lang.invoke.MethodHandles#byteArrayViewVarHandle} (and
 * heap buffers and heap memory segments) support plain access only, and only single bytes have
 * volatile and compare-and-set element handles. So an atomic access holds the memory's lock for
 * its address ({@link Memory#lockFor}: one of a fixed set, chosen by the aligned 8-byte block,
 * so overlapping accesses of any width share it) and reads and writes plainly inside. Every
 * atomic access to a location is then ordered by that one lock, which makes each location
 * linearizable and, composed, all of them sequentially consistent, as wasm's atomics are; a
 * lock's release and acquisition is also the happens-before edge that publishes a thread's
 * earlier plain writes to the thread that reads its flag.
 *
 * <p>Each takes the wasm address, the operands, the memory and the instruction's constant offset;
 * it checks alignment ("unaligned atomic") and then bounds against the memory's size. Sub-word
 * results are zero-extended; the expected value of a narrow cmpxchg is wrapped to its width.
 */
public final class Atomics {
    private Atomics() {}

    public static final int ADD = 0, SUB = 1, AND = 2, OR = 3, XOR = 4, XCHG = 5;

    private static final VarHandle SHORT = MemoryAccess.SHORT;
    private static final VarHandle INT = MemoryAccess.INT;
    private static final VarHandle LONG = MemoryAccess.LONG;

    /** The checked array index of an access of {@code width} bytes (a power of two). */
    static int index(Memory m, int addr, long offset, int width) {
        long ea = Integer.toUnsignedLong(addr) + offset;
        if ((ea & (width - 1)) != 0) throw new Trap("unaligned atomic");
        if (ea > m.size - width) throw Trap.outOfBoundsMemory();
        return (int) ea;
    }

    // ---- loads and stores ----------------------------------------------------------------

    public static int load8(int addr, Memory m, long offset) {
        int i = index(m, addr, offset, 1);
        synchronized (m.lockFor(i)) {
            return m.bytes[i] & 0xFF;
        }
    }

    public static int load16(int addr, Memory m, long offset) {
        int i = index(m, addr, offset, 2);
        synchronized (m.lockFor(i)) {
            return (short) SHORT.get(m.bytes, i) & 0xFFFF;
        }
    }

    public static int load32(int addr, Memory m, long offset) {
        int i = index(m, addr, offset, 4);
        synchronized (m.lockFor(i)) {
            return (int) INT.get(m.bytes, i);
        }
    }

    public static long load64(int addr, Memory m, long offset) {
        int i = index(m, addr, offset, 8);
        synchronized (m.lockFor(i)) {
            return (long) LONG.get(m.bytes, i);
        }
    }

    public static void store8(int addr, int value, Memory m, long offset) {
        int i = index(m, addr, offset, 1);
        synchronized (m.lockFor(i)) {
            m.bytes[i] = (byte) value;
        }
    }

    public static void store16(int addr, int value, Memory m, long offset) {
        int i = index(m, addr, offset, 2);
        synchronized (m.lockFor(i)) {
            SHORT.set(m.bytes, i, (short) value);
        }
    }

    public static void store32(int addr, int value, Memory m, long offset) {
        int i = index(m, addr, offset, 4);
        synchronized (m.lockFor(i)) {
            INT.set(m.bytes, i, value);
        }
    }

    public static void store64(int addr, long value, Memory m, long offset) {
        int i = index(m, addr, offset, 8);
        synchronized (m.lockFor(i)) {
            LONG.set(m.bytes, i, value);
        }
    }

    // ---- read-modify-write: the old value ------------------------------------------------

    public static int rmw8(int addr, int value, Memory m, long offset, int op) {
        int i = index(m, addr, offset, 1);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = b[i] & 0xFF;
            b[i] = (byte) apply(op, old, value);
            return old;
        }
    }

    public static int rmw16(int addr, int value, Memory m, long offset, int op) {
        int i = index(m, addr, offset, 2);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = (short) SHORT.get(b, i) & 0xFFFF;
            SHORT.set(b, i, (short) apply(op, old, value));
            return old;
        }
    }

    public static int rmw32(int addr, int value, Memory m, long offset, int op) {
        int i = index(m, addr, offset, 4);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = (int) INT.get(b, i);
            INT.set(b, i, apply(op, old, value));
            return old;
        }
    }

    public static long rmw64(int addr, long value, Memory m, long offset, int op) {
        int i = index(m, addr, offset, 8);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            long old = (long) LONG.get(b, i);
            long updated = switch (op) {
                case ADD -> old + value;
                case SUB -> old - value;
                case AND -> old & value;
                case OR -> old | value;
                case XOR -> old ^ value;
                default -> value;
            };
            LONG.set(b, i, updated);
            return old;
        }
    }

    private static int apply(int op, int old, int value) {
        return switch (op) {
            case ADD -> old + value;
            case SUB -> old - value;
            case AND -> old & value;
            case OR -> old | value;
            case XOR -> old ^ value;
            default -> value;
        };
    }

    // ---- compare-and-exchange: the old value ---------------------------------------------

    public static int cmpxchg8(int addr, int expected, int replacement, Memory m, long offset) {
        int i = index(m, addr, offset, 1);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = b[i] & 0xFF;
            if (old == (expected & 0xFF)) b[i] = (byte) replacement;
            return old;
        }
    }

    public static int cmpxchg16(int addr, int expected, int replacement, Memory m, long offset) {
        int i = index(m, addr, offset, 2);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = (short) SHORT.get(b, i) & 0xFFFF;
            if (old == (expected & 0xFFFF)) SHORT.set(b, i, (short) replacement);
            return old;
        }
    }

    public static int cmpxchg32(int addr, int expected, int replacement, Memory m, long offset) {
        int i = index(m, addr, offset, 4);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            int old = (int) INT.get(b, i);
            if (old == expected) INT.set(b, i, replacement);
            return old;
        }
    }

    public static long cmpxchg64(int addr, long expected, long replacement, Memory m, long offset) {
        int i = index(m, addr, offset, 8);
        byte[] b = m.bytes;
        synchronized (m.lockFor(i)) {
            long old = (long) LONG.get(b, i);
            if (old == expected) LONG.set(b, i, replacement);
            return old;
        }
    }

    // ---- wait and notify -----------------------------------------------------------------

    /** memory.atomic.wait32: 0 woken, 1 not equal, 2 timed out ({@code timeout} ns; negative: none). */
    public static int wait32(int addr, int expected, long timeout, Memory m, long offset) {
        int i = waitIndex(m, addr, offset, 4);
        byte[] b = m.bytes;
        return m.await(i, () -> {
            synchronized (m.lockFor(i)) {
                return (int) INT.get(b, i) == expected;
            }
        }, timeout);
    }

    /** memory.atomic.wait64, as {@link #wait32}. */
    public static int wait64(int addr, long expected, long timeout, Memory m, long offset) {
        int i = waitIndex(m, addr, offset, 8);
        byte[] b = m.bytes;
        return m.await(i, () -> {
            synchronized (m.lockFor(i)) {
                return (long) LONG.get(b, i) == expected;
            }
        }, timeout);
    }

    /** A wait's index: alignment, then whether the memory is shared, then bounds (the reference interpreter's order). */
    private static int waitIndex(Memory m, int addr, long offset, int width) {
        if (!m.shared() && ((Integer.toUnsignedLong(addr) + offset) & (width - 1)) == 0) throw new Trap("expected shared memory");
        return index(m, addr, offset, width);
    }

    /** memory.atomic.notify: how many waiters it woke (at most {@code count}, unsigned). */
    public static int notify(int addr, int count, Memory m, long offset) {
        return m.notify(index(m, addr, offset, 4), count);
    }

    /** atomic.fence. */
    public static void fence() {
        VarHandle.fullFence();
    }
}
