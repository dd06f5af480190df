package dev.arca.fs.ramfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.Node;
import dev.arca.fs.tree.Tree;
import dev.arca.fs.tree.TreeNode;
import java.util.function.LongSupplier;

/**
 * A file system in memory: the shared directory tree ({@link Tree}) with each file's data in one
 * Java array. One lock ({@link Tree#mu}) guards all of it: operations are short and copy at most
 * one I/O buffer, so finer locks would buy little.
 *
 * <p>Every byte a guest can make it hold counts against {@code capacity}, with ENOSPC beyond it,
 * so a guest cannot exhaust the JVM's heap through it: file data as allocated (an array may be up
 * to twice a growing file's size; it grows only as far as the capacity allows, and shrinks when
 * the file is truncated to half or less), and the namespace as {@link Tree} counts it ({@value
 * Tree#NODE_BYTES} bytes per node plus a symbolic link's target, {@value Tree#ENTRY_BYTES} per
 * directory entry plus its name). An unlinked file holds its space until its last handle closes,
 * as on Linux. The root directory is counted too, even past a capacity too small for it.
 */
public final class RamFs extends Tree {
    /** Files larger than this are refused with EFBIG (data lives in one Java array). */
    static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 8;

    private final RamNode root;
    private final long capacity;
    private final boolean readOnly;
    private long used; // guarded by mu
    private long nextInode = 1; // guarded by mu

    /**
     * @param clock nanoseconds since the epoch, for timestamps
     * @param capacity the most bytes it may hold, counted as the class comment says
     */
    public RamFs(LongSupplier clock, long capacity) {
        this(clock, capacity, false);
    }

    public RamFs(LongSupplier clock, long capacity, boolean readOnly) {
        super(clock, MAX_FILE_SIZE);
        this.capacity = capacity;
        this.readOnly = readOnly;
        synchronized (mu) {
            this.root = new RamNode(this, nextInode++, Wasi.FILETYPE_DIRECTORY, null);
            used = NODE_BYTES;
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

    @Override
    protected TreeNode newNode(byte type, String target) {
        return new RamNode(this, nextInode++, type, target);
    }

    @Override
    protected void charge(long bytes) throws ErrnoException {
        if (bytes > available()) throw Errno.ENOSPC.fail("ramfs is full (" + capacity + " bytes)");
        used += bytes;
    }

    @Override
    protected void credit(long bytes) {
        used -= bytes;
    }

    /** Requires mu. Bytes that can still be charged. */
    long available() {
        return Math.max(0, capacity - used);
    }

    /** Bytes held, as counted against the capacity. */
    long used() {
        synchronized (mu) {
            return used;
        }
    }
}
