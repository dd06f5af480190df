package dev.arca.engine.chicory;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.arca.engine.MemoryLimitExceeded;

/**
 * Linear memory with an operator's limit: growing past it stops the process, as a container's
 * memory limit does, with {@link MemoryLimitExceeded}. Every other call goes straight to a
 * {@link ByteArrayMemory}. Used only when a limit below 4 GiB is set, so unlimited processes pay
 * nothing for it.
 */
final class LimitedMemory implements Memory {
    private final ByteArrayMemory delegate;
    private final int limitPages;

    LimitedMemory(MemoryLimits declared, int limitPages) {
        this.delegate = new ByteArrayMemory(declared);
        this.limitPages = limitPages;
    }

    @Override
    public int grow(int size) {
        long wanted = (long) delegate.pages() + Integer.toUnsignedLong(size);
        if (wanted > limitPages && wanted <= delegate.maximumPages()) {
            throw new MemoryLimitExceeded(limitPages, wanted);
        }
        return delegate.grow(size);
    }

    @SuppressWarnings("removal")
    @Override
    public Object lock(int address) {
        return delegate.lock(address);
    }

    @SuppressWarnings("removal")
    @Override
    public int waitOn(int address, int expected, long timeout) {
        return delegate.waitOn(address, expected, timeout);
    }

    @SuppressWarnings("removal")
    @Override
    public int waitOn(int address, long expected, long timeout) {
        return delegate.waitOn(address, expected, timeout);
    }

    @SuppressWarnings("removal")
    @Override
    public int notify(int address, int maxThreads) {
        return delegate.notify(address, maxThreads);
    }

    @Override
    public int pages() {
        return delegate.pages();
    }

    @Override
    public int initialPages() {
        return delegate.initialPages();
    }

    @Override
    public int maximumPages() {
        return delegate.maximumPages();
    }

    @Override
    public boolean shared() {
        return delegate.shared();
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        delegate.initialize(instance, dataSegments);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        delegate.initialize(instance, dataSegments, memoryIndex);
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        delegate.initPassiveSegment(segmentId, dest, offset, size);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        delegate.write(addr, data, offset, size);
    }

    @Override
    public byte read(int addr) {
        return delegate.read(addr);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        return delegate.readBytes(addr, len);
    }

    @Override
    public void writeI32(int addr, int data) {
        delegate.writeI32(addr, data);
    }

    @Override
    public int readInt(int addr) {
        return delegate.readInt(addr);
    }

    @Override
    public void writeLong(int addr, long data) {
        delegate.writeLong(addr, data);
    }

    @Override
    public long readLong(int addr) {
        return delegate.readLong(addr);
    }

    @Override
    public void writeShort(int addr, short data) {
        delegate.writeShort(addr, data);
    }

    @Override
    public short readShort(int addr) {
        return delegate.readShort(addr);
    }

    @Override
    public long readU16(int addr) {
        return delegate.readU16(addr);
    }

    @Override
    public void writeByte(int addr, byte data) {
        delegate.writeByte(addr, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        delegate.writeF32(addr, data);
    }

    @Override
    public long readF32(int addr) {
        return delegate.readF32(addr);
    }

    @Override
    public float readFloat(int addr) {
        return delegate.readFloat(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        delegate.writeF64(addr, data);
    }

    @Override
    public double readDouble(int addr) {
        return delegate.readDouble(addr);
    }

    @Override
    public long readF64(int addr) {
        return delegate.readF64(addr);
    }

    @Override
    public void zero() {
        delegate.zero();
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        delegate.fill(value, fromIndex, toIndex);
    }

    @Override
    public void copy(int dest, int src, int size) {
        delegate.copy(dest, src, size);
    }

    @Override
    public void drop(int segment) {
        delegate.drop(segment);
    }

    @Override
    public void atomicFence() {
        delegate.atomicFence();
    }

    @Override
    public byte atomicAddByte(int addr, byte delta) {
        return delegate.atomicAddByte(addr, delta);
    }

    @Override
    public int atomicAddInt(int addr, int delta) {
        return delegate.atomicAddInt(addr, delta);
    }

    @Override
    public long atomicAddLong(int addr, long delta) {
        return delegate.atomicAddLong(addr, delta);
    }

    @Override
    public short atomicAddShort(int addr, short delta) {
        return delegate.atomicAddShort(addr, delta);
    }

    @Override
    public byte atomicAndByte(int addr, byte mask) {
        return delegate.atomicAndByte(addr, mask);
    }

    @Override
    public int atomicAndInt(int addr, int mask) {
        return delegate.atomicAndInt(addr, mask);
    }

    @Override
    public long atomicAndLong(int addr, long mask) {
        return delegate.atomicAndLong(addr, mask);
    }

    @Override
    public short atomicAndShort(int addr, short mask) {
        return delegate.atomicAndShort(addr, mask);
    }

    @Override
    public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        return delegate.atomicCmpxchgByte(addr, expected, replacement);
    }

    @Override
    public int atomicCmpxchgInt(int addr, int expected, int replacement) {
        return delegate.atomicCmpxchgInt(addr, expected, replacement);
    }

    @Override
    public long atomicCmpxchgLong(int addr, long expected, long replacement) {
        return delegate.atomicCmpxchgLong(addr, expected, replacement);
    }

    @Override
    public short atomicCmpxchgShort(int addr, short expected, short replacement) {
        return delegate.atomicCmpxchgShort(addr, expected, replacement);
    }

    @Override
    public byte atomicOrByte(int addr, byte mask) {
        return delegate.atomicOrByte(addr, mask);
    }

    @Override
    public int atomicOrInt(int addr, int mask) {
        return delegate.atomicOrInt(addr, mask);
    }

    @Override
    public long atomicOrLong(int addr, long mask) {
        return delegate.atomicOrLong(addr, mask);
    }

    @Override
    public short atomicOrShort(int addr, short mask) {
        return delegate.atomicOrShort(addr, mask);
    }

    @Override
    public byte atomicReadByte(int addr) {
        return delegate.atomicReadByte(addr);
    }

    @Override
    public int atomicReadInt(int addr) {
        return delegate.atomicReadInt(addr);
    }

    @Override
    public long atomicReadLong(int addr) {
        return delegate.atomicReadLong(addr);
    }

    @Override
    public short atomicReadShort(int addr) {
        return delegate.atomicReadShort(addr);
    }

    @Override
    public void atomicWriteByte(int addr, byte value) {
        delegate.atomicWriteByte(addr, value);
    }

    @Override
    public void atomicWriteInt(int addr, int value) {
        delegate.atomicWriteInt(addr, value);
    }

    @Override
    public void atomicWriteLong(int addr, long value) {
        delegate.atomicWriteLong(addr, value);
    }

    @Override
    public void atomicWriteShort(int addr, short value) {
        delegate.atomicWriteShort(addr, value);
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        return delegate.atomicXchgByte(addr, value);
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        return delegate.atomicXchgInt(addr, value);
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        return delegate.atomicXchgLong(addr, value);
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        return delegate.atomicXchgShort(addr, value);
    }

    @Override
    public byte atomicXorByte(int addr, byte mask) {
        return delegate.atomicXorByte(addr, mask);
    }

    @Override
    public int atomicXorInt(int addr, int mask) {
        return delegate.atomicXorInt(addr, mask);
    }

    @Override
    public long atomicXorLong(int addr, long mask) {
        return delegate.atomicXorLong(addr, mask);
    }

    @Override
    public short atomicXorShort(int addr, short mask) {
        return delegate.atomicXorShort(addr, mask);
    }
}
