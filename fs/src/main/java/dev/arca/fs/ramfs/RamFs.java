package dev.arca.fs.ramfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import java.util.function.LongSupplier;

/**
 * A file system in memory. One lock ({@link #mu}) guards every node of it: operations are short
 * and copy at most one I/O buffer, so finer locks would buy little.
 *
 * <p>The bytes it holds count against {@code capacity}; past it writes fail with ENOSPC, so a
 * guest cannot exhaust the JVM's heap through it.
 */
public final class RamFs implements FileSystem {
    final Object mu = new Object();
    private final RamNode root;
    private final LongSupplier clock;
    private final long capacity;
    private final boolean readOnly;
    private long used; // guarded by mu
    private long nextInode = 1; // guarded by mu

    /**
     * @param clock nanoseconds since the epoch, for timestamps
     * @param capacity the most bytes of file data it may hold
     */
    public RamFs(LongSupplier clock, long capacity) {
        this(clock, capacity, false);
    }

    public RamFs(LongSupplier clock, long capacity, boolean readOnly) {
        this.clock = clock;
        this.capacity = capacity;
        this.readOnly = readOnly;
        synchronized (mu) {
            this.root = new RamNode(this, dev.arca.abi.Wasi.FILETYPE_DIRECTORY);
        }
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public String type() {
        return "ramfs";
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    long now() {
        return clock.getAsLong();
    }

    /** Requires mu. */
    long allocateInode() {
        return nextInode++;
    }

    /** Requires mu. Accounts {@code delta} more bytes, or fails with ENOSPC. */
    void charge(long delta) throws ErrnoException {
        if (delta > 0 && used + delta > capacity) {
            throw Errno.ENOSPC.fail("ramfs is full (" + capacity + " bytes)");
        }
        used += delta;
    }

    void checkWritable() throws ErrnoException {
        if (readOnly) throw Errno.EROFS.fail();
    }
}
