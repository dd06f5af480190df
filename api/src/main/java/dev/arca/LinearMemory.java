package dev.arca;

/**
 * How a guest's linear memory is held. {@link #BYTE_ARRAY}, the default, was the faster on every
 * compute benchmark of {@code bench/memory-impl.sh}; the other is kept for comparison.
 */
public enum LinearMemory {
    /** One Java array per process: the default. */
    BYTE_ARRAY,
    /** Chicory's default, a ByteBuffer: for comparison. */
    BYTE_BUFFER
}
