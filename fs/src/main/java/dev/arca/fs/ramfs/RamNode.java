package dev.arca.fs.ramfs;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.tree.TreeNode;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A node of a {@link RamFs}: the tree's node, with a regular file's data in one array whose whole
 * length is charged to the file system. Fields are guarded by the tree's {@code mu}.
 */
final class RamNode extends TreeNode {
    private static final byte[] EMPTY = new byte[0];

    private final RamFs fs;
    private byte[] data = EMPTY; // bytes past size are zero

    RamNode(RamFs fs, long inode, byte type, String target) {
        super(fs, inode, type, target);
        this.fs = fs;
    }

    @Override
    protected DataHandle openData(boolean read, boolean write) {
        return new Handle(write);
    }

    @Override
    protected void truncateData(long newSize) throws ErrnoException {
        resize(newSize);
    }

    @Override
    protected void release() {
        fs.credit(data.length);
        data = EMPTY;
        size = 0;
    }

    /**
     * Requires mu. Sets the size; the array grows to at least {@code newSize}, doubling while the
     * capacity allows (so appends copy the data O(log n) times), and shrinks when half or more of
     * it would be unused.
     */
    private void resize(long newSize) throws ErrnoException {
        if (newSize > data.length) {
            long room = data.length + fs.available();
            long length = Math.max(newSize, Math.min(RamFs.MAX_FILE_SIZE, Math.min(2L * data.length, room)));
            fs.charge(length - data.length);
            data = Arrays.copyOf(data, (int) length);
        } else if (newSize < size) {
            if (newSize <= data.length / 2) {
                fs.credit(data.length - newSize);
                data = Arrays.copyOf(data, (int) newSize);
            } else {
                Arrays.fill(data, (int) newSize, (int) size, (byte) 0);
            }
        }
        size = newSize;
    }

    private final class Handle extends DataHandle {
        Handle(boolean writable) {
            super(writable);
        }

        @Override
        protected void readData(ByteBuffer dst, long position, int n) {
            dst.put(data, (int) position, n);
        }

        @Override
        protected void writeData(ByteBuffer src, long position, int n) throws ErrnoException {
            if (position + n > size) resize(position + n);
            src.get(data, (int) position, n);
        }
    }
}
