package dev.arca.fs.tree;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import java.util.function.LongSupplier;

/**
 * A file system whose namespace is a tree of {@link TreeNode}s held in memory (see the package
 * comment). A subclass makes the nodes ({@link #newNode}) and may override the other hooks; each
 * hook is called with {@link #mu} held.
 *
 * <p>Space: the tree tells the file system, through {@link #charge} and {@link #credit}, every byte
 * of namespace it holds: for each node {@link #NODE_BYTES} plus its symbolic link target, for each
 * directory entry {@link #ENTRY_BYTES} plus its name (UTF-8 bytes). A file system with a limit
 * refuses a charge past it with ENOSPC; the tree then changes nothing. File data is the file
 * system's own to count.
 */
public abstract class Tree implements FileSystem {
    /**
     * What one node is counted as, besides its symbolic link target: the node object, its times
     * and counters, a directory's map, the file system's own fields. With its entry (below) this
     * is more than the heap a ramfs node takes: measured on JDK 25 (64-bit, compressed references)
     * with 200,000 nodes named by 8 bytes ({@code NamespaceHeap} in the tests), a file took 194
     * bytes in all, a directory 241, a symbolic link 240, where these constants count 360.
     */
    public static final long NODE_BYTES = 256;
    /**
     * What one directory entry is counted as, besides its name: the map entry and the name's
     * String (measured the same way: a hard link named by 8 bytes took 88 bytes; counted: 104).
     */
    public static final long ENTRY_BYTES = 96;
    /** The longest name, in bytes of UTF-8, as Linux's NAME_MAX. */
    public static final int NAME_MAX = 255;

    /** Guards every node of this tree and the file system's own state beside it. */
    protected final Object mu = new Object();
    private final LongSupplier clock;
    private final long maxFileSize;

    /**
     * @param clock nanoseconds since the epoch, for timestamps
     * @param maxFileSize the largest size a regular file may have (EFBIG beyond)
     */
    protected Tree(LongSupplier clock, long maxFileSize) {
        this.clock = clock;
        this.maxFileSize = maxFileSize;
    }

    // ---- hooks (each called with mu held) ---------------------------------------------------

    /**
     * A new node of this file system, not yet named, with a fresh inode number, its times set to
     * {@link #now} and one link (the name it is about to get). {@code target} is a symbolic link's
     * target, null for other types. Errors: ENOSPC (no inode left).
     */
    protected abstract TreeNode newNode(byte type, String target) throws ErrnoException;

    /** Refuses every operation once the file system can no longer serve one (EIO when unmounted). */
    protected void checkUsable() throws ErrnoException {}

    /** Counts {@code bytes} more held, or refuses them with ENOSPC (then nothing is counted). */
    protected void charge(long bytes) throws ErrnoException {}

    /** Counts {@code bytes} fewer held. */
    protected void credit(long bytes) {}

    /** Notes that {@code node}'s metadata (times, links, entries) changed, for the next commit. */
    protected void changed(TreeNode node) {}

    /**
     * Whether {@code node} holds nothing the file system could not read again from its storage (no
     * change since the last commit), so that {@link TreeNode#dropEntries} may let it go. A file
     * system that keeps its whole tree in memory (the default) drops nothing.
     */
    protected boolean droppable(TreeNode node) {
        return false;
    }

    /**
     * {@code node} is no longer named by a node in memory: its directory holds its number only
     * ({@link TreeNode#dropEntries}). The file system must give the same object again while
     * anything still holds it (a handle, a path walk, a child directory's parent), and may read
     * it anew once nothing does.
     */
    protected void dropped(TreeNode node) {}

    /** Called after every change of names, complete and counted (a file system may commit here). */
    protected void namespaceChanged() throws ErrnoException {}

    /**
     * Reports what failed while a handle was closed or a pin released, which cannot report an
     * error itself (close cannot fail in WASI).
     */
    protected void failedQuietly(String what, ErrnoException e) {}

    // ---- for nodes and subclasses -------------------------------------------------------------

    public final long maxFileSize() {
        return maxFileSize;
    }

    /** Nanoseconds since the epoch. */
    public final long now() {
        return clock.getAsLong();
    }

    /** Errors: EROFS when {@link #readOnly}. */
    protected final void checkWritable() throws ErrnoException {
        if (readOnly()) throw Errno.EROFS.fail();
    }

    /** What a directory entry named {@code name} is counted as. */
    static long entryBytes(String name) {
        return ENTRY_BYTES + utf8Length(name);
    }

    /** The length of {@code s} in UTF-8, without encoding it. */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Errors: ENAMETOOLONG for a name longer than {@link #NAME_MAX} bytes. */
    static void checkName(String name) throws ErrnoException {
        // a char is at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 chars): only long names need counting
        if (name.length() > NAME_MAX / 3 && utf8Length(name) > NAME_MAX) throw Errno.ENAMETOOLONG.fail();
    }
}
