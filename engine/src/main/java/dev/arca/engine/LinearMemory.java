package dev.arca.engine;

/**
 * An instance's linear memory, as the host reads and writes it. Addresses are byte offsets;
 * callers check ranges against {@link #byteSize()} first (the syscall layer's GuestMemory does),
 * so an access out of range is a defect of the caller and throws IndexOutOfBoundsException.
 */
public interface LinearMemory {
    /** Current size in bytes (pages times 65536). */
    long byteSize();

    /**
     * Whether this is a shared memory (the threads proposal): other threads of the process may
     * read and write it at any moment, and it may grow while the host looks at it.
     */
    default boolean shared() {
        return false;
    }

    byte readByte(int addr);

    short readShort(int addr);

    int readInt(int addr);

    long readLong(int addr);

    void read(int addr, byte[] dst, int off, int len);

    void writeByte(int addr, byte v);

    void writeShort(int addr, short v);

    void writeInt(int addr, int v);

    void writeLong(int addr, long v);

    void write(int addr, byte[] src, int off, int len);

    void fill(int addr, int len, byte v);

    /**
     * A buffer over {@code [addr, addr + len)} of the memory itself, not a copy, positioned at 0:
     * what is put in it is in guest memory. It stays valid while the memory does not grow (a
     * process's own syscall, during which it cannot). Null when the memory cannot give one (the
     * caller copies instead).
     */
    default java.nio.ByteBuffer view(int addr, int len) {
        return null;
    }
}
