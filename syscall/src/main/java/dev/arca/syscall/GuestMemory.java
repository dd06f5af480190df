package dev.arca.syscall;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.LinearMemory;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A process's linear memory as the syscall layer sees it. Guest pointers and lengths are
 * unsigned 32-bit values; every access is checked against the memory's current size first, and
 * anything out of range fails with EFAULT before any byte is read or written. This is the only
 * class that reads or writes guest memory.
 */
public final class GuestMemory {
    private final LinearMemory memory;

    private byte[] scratch; // made at first use: many processes (a spawned child that exits) never need it

    public GuestMemory(LinearMemory memory) {
        this.memory = memory;
    }

    /**
     * A 64 KiB buffer for staging data between a file and guest memory; one per process (its
     * syscalls run on one thread), so reads do not allocate.
     */
    public byte[] scratch() {
        if (scratch == null) scratch = new byte[64 * 1024];
        return scratch;
    }

    /** Checks that [{@code ptr}, {@code ptr + len}) lies in memory; returns ptr as an int. */
    public int check(long ptr, long len) throws ErrnoException {
        long p = ptr & 0xFFFF_FFFFL;
        if (len < 0 || len > (1L << 32) || p + len > memory.byteSize()) {
            throw Errno.EFAULT.fail("guest range 0x" + Long.toHexString(p) + "+" + len + " outside memory");
        }
        return (int) p;
    }

    /** Checks an array of {@code count} elements of {@code size} bytes. */
    public int checkArray(long ptr, long count, int size) throws ErrnoException {
        return check(ptr, (count & 0xFFFF_FFFFL) * size);
    }

    public int readI32(long ptr) throws ErrnoException {
        return memory.readInt(check(ptr, 4));
    }

    public long readU32(long ptr) throws ErrnoException {
        return memory.readInt(check(ptr, 4)) & 0xFFFF_FFFFL;
    }

    public long readI64(long ptr) throws ErrnoException {
        return memory.readLong(check(ptr, 8));
    }

    public int readU8(long ptr) throws ErrnoException {
        return memory.readByte(check(ptr, 1)) & 0xFF;
    }

    public int readU16(long ptr) throws ErrnoException {
        return memory.readShort(check(ptr, 2)) & 0xFFFF;
    }

    public byte[] readBytes(long ptr, long len) throws ErrnoException {
        int p = check(ptr, len);
        byte[] b = new byte[(int) len];
        memory.read(p, b, 0, (int) len);
        return b;
    }

    /** Reads into {@code dst[off, off+len)}. */
    public void readBytes(long ptr, byte[] dst, int off, int len) throws ErrnoException {
        memory.read(check(ptr, len), dst, off, len);
    }

    /** A path or other string argument: UTF-8, no NUL. Errors: EFAULT, EILSEQ. */
    public String readString(long ptr, long len) throws ErrnoException {
        byte[] b = readBytes(ptr, len);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw Errno.EILSEQ.fail("string is not UTF-8");
        }
    }

    public void writeI32(long ptr, int v) throws ErrnoException {
        memory.writeInt(check(ptr, 4), v);
    }

    public void writeI64(long ptr, long v) throws ErrnoException {
        memory.writeLong(check(ptr, 8), v);
    }

    public void writeU8(long ptr, int v) throws ErrnoException {
        memory.writeByte(check(ptr, 1), (byte) v);
    }

    public void writeU16(long ptr, int v) throws ErrnoException {
        memory.writeShort(check(ptr, 2), (short) v);
    }

    public void writeBytes(long ptr, byte[] b, int off, int len) throws ErrnoException {
        memory.write(check(ptr, len), b, off, len);
    }

    public void writeBytes(long ptr, byte[] b) throws ErrnoException {
        writeBytes(ptr, b, 0, b.length);
    }

    /**
     * The guest's own bytes at [{@code ptr}, {@code ptr + len}) as a buffer (no copy), for the
     * length of the current call only; null when the engine's memory gives no such view.
     * Errors: EFAULT, before anything is touched.
     */
    public java.nio.ByteBuffer view(long ptr, long len) throws ErrnoException {
        int p = check(ptr, len);
        return len > Integer.MAX_VALUE ? null : memory.view(p, (int) len);
    }

    /** Fills a range with zeros. */
    public void zero(long ptr, int len) throws ErrnoException {
        memory.fill(check(ptr, len), len, (byte) 0);
    }
}
