package dev.arca.engine.arca;

import dev.arca.compiler.runtime.Memory;
import dev.arca.compiler.runtime.MemoryAccess;
import dev.arca.engine.LinearMemory;
import java.util.Arrays;

/**
 * A compiled instance's memory as the host reads and writes it (the array is read afresh each
 * time: growing an unshared memory replaces it; a shared memory's array is its capacity, larger
 * than its size).
 */
final class ArcaMemory implements LinearMemory {
    private final Memory memory;

    ArcaMemory(Memory memory) {
        this.memory = memory;
    }

    @Override
    public long byteSize() {
        return memory.size;
    }

    @Override
    public boolean shared() {
        return memory.shared();
    }

    @Override
    public byte readByte(int addr) {
        return memory.bytes[addr];
    }

    @Override
    public short readShort(int addr) {
        return (short) MemoryAccess.SHORT.get(memory.bytes, addr);
    }

    @Override
    public int readInt(int addr) {
        return (int) MemoryAccess.INT.get(memory.bytes, addr);
    }

    @Override
    public long readLong(int addr) {
        return (long) MemoryAccess.LONG.get(memory.bytes, addr);
    }

    @Override
    public void read(int addr, byte[] dst, int off, int len) {
        System.arraycopy(memory.bytes, addr, dst, off, len);
    }

    @Override
    public void writeByte(int addr, byte v) {
        memory.bytes[addr] = v;
    }

    @Override
    public void writeShort(int addr, short v) {
        MemoryAccess.SHORT.set(memory.bytes, addr, v);
    }

    @Override
    public void writeInt(int addr, int v) {
        MemoryAccess.INT.set(memory.bytes, addr, v);
    }

    @Override
    public void writeLong(int addr, long v) {
        MemoryAccess.LONG.set(memory.bytes, addr, v);
    }

    @Override
    public void write(int addr, byte[] src, int off, int len) {
        System.arraycopy(src, off, memory.bytes, addr, len);
    }

    @Override
    public java.nio.ByteBuffer view(int addr, int len) {
        return java.nio.ByteBuffer.wrap(memory.bytes, addr, len).slice();
    }

    @Override
    public void fill(int addr, int len, byte v) {
        Arrays.fill(memory.bytes, addr, addr + len, v);
    }
}
