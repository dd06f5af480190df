package dev.arca.engine.chicory;

import com.dylibso.chicory.runtime.Memory;
import dev.arca.engine.LinearMemory;

/** A Chicory memory as the host reads and writes it. */
final class ChicoryMemory implements LinearMemory {
    private final Memory memory;

    ChicoryMemory(Memory memory) {
        this.memory = memory;
    }

    @Override
    public long byteSize() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    @Override
    public byte readByte(int addr) {
        return memory.read(addr);
    }

    @Override
    public short readShort(int addr) {
        return memory.readShort(addr);
    }

    @Override
    public int readInt(int addr) {
        return memory.readInt(addr);
    }

    @Override
    public long readLong(int addr) {
        return memory.readLong(addr);
    }

    @Override
    public void read(int addr, byte[] dst, int off, int len) {
        byte[] b = memory.readBytes(addr, len);
        System.arraycopy(b, 0, dst, off, len);
    }

    @Override
    public void writeByte(int addr, byte v) {
        memory.writeByte(addr, v);
    }

    @Override
    public void writeShort(int addr, short v) {
        memory.writeShort(addr, v);
    }

    @Override
    public void writeInt(int addr, int v) {
        memory.writeI32(addr, v);
    }

    @Override
    public void writeLong(int addr, long v) {
        memory.writeLong(addr, v);
    }

    @Override
    public void write(int addr, byte[] src, int off, int len) {
        memory.write(addr, src, off, len);
    }

    @Override
    public void fill(int addr, int len, byte v) {
        memory.fill(v, addr, addr + len);
    }
}
