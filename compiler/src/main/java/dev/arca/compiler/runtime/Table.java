package dev.arca.compiler.runtime;

import java.util.Arrays;

/**
 * A table of references ({@link FuncRef}, an externref's object, or null). Every access checks
 * its index and traps with the specification's message.
 */
public final class Table {
    /** The most elements a table may grow to here. */
    public static final int MAX_ELEMENTS = 10_000_000;

    public Object[] elements;
    /** 'f' funcref, 'e' externref, 'x' exnref. */
    public final char elementType;
    private final long declaredMax;

    public Table(char elementType, int initial, long declaredMax, Object init) {
        if (initial < 0 || initial > MAX_ELEMENTS) throw new IllegalArgumentException("table too large: " + initial);
        this.elementType = elementType;
        this.elements = new Object[initial];
        this.declaredMax = declaredMax;
        if (init != null) Arrays.fill(elements, init);
    }

    public int size() {
        return elements.length;
    }

    public long declaredMaximum() {
        return declaredMax;
    }

    public Object get(int index) {
        if (Integer.compareUnsigned(index, elements.length) >= 0) throw Trap.outOfBoundsTable();
        return elements[index];
    }

    public void set(int index, Object value) {
        if (Integer.compareUnsigned(index, elements.length) >= 0) throw Trap.outOfBoundsTable();
        elements[index] = value;
    }

    /** table.grow: the old size, or -1. */
    public int grow(int delta, Object init) {
        int old = elements.length;
        long wanted = old + Integer.toUnsignedLong(delta);
        if (wanted > declaredMax || wanted > MAX_ELEMENTS) return -1;
        Object[] grown = Arrays.copyOf(elements, (int) wanted);
        if (init != null) Arrays.fill(grown, old, (int) wanted, init);
        elements = grown;
        return old;
    }

    public void fill(int index, Object value, int n) {
        long end = Integer.toUnsignedLong(index) + Integer.toUnsignedLong(n);
        if (end > elements.length) throw Trap.outOfBoundsTable();
        Arrays.fill(elements, index, (int) end, value);
    }

    /** table.copy from {@code src} (maybe this table) to this one. */
    public void copyFrom(Table src, int dest, int from, int n) {
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(dest) + un > elements.length || Integer.toUnsignedLong(from) + un > src.elements.length) {
            throw Trap.outOfBoundsTable();
        }
        System.arraycopy(src.elements, from, elements, dest, n);
    }

    /** table.init from an element segment's values (empty when dropped). */
    public void init(Object[] segment, int dest, int from, int n) {
        long un = Integer.toUnsignedLong(n);
        if (Integer.toUnsignedLong(from) + un > segment.length || Integer.toUnsignedLong(dest) + un > elements.length) {
            throw Trap.outOfBoundsTable();
        }
        System.arraycopy(segment, from, elements, dest, n);
    }
}
