package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.tree.TreeNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An inode of an {@link EncFs}: the shared tree's node (names, links, times, lifetime), with its
 * content as a {@link BlockTree}: a regular file's data, a directory's entries, or a symbolic
 * link's target. Fields are guarded by the volume's lock.
 *
 * <p>A directory's content: its entries in blocks, each a run of names ({@link DirectoryBlocks}),
 * of which a commit writes those that changed, with an index of the runs when there are two or
 * more (its record's format {@link DirectoryBlocks#FORMAT}: the first use reads the index, and each
 * run is read at the first use of a name in its range) and without one when there is one (format
 * {@link DirectoryBlocks#FORMAT_RUNS}, read whole, as every directory was from 2026-12-05 to -06);
 * or, in the format before (0), the entry count (4 bytes), then per entry the name's length (2),
 * the name (UTF-8), the inode number (8), which is read as it is and laid out in blocks at the
 * directory's first change. A symbolic link's content is its target in UTF-8, written when it is
 * made.
 */
final class EncNode extends TreeNode {
    private static final int BLOCK = BlockStore.BLOCK_SIZE;

    private final EncFs fs;
    final BlockTree content; // size (the tree's field) is its length in bytes, for every type
    private long storedSubdirectories = -1; // a directory read from its record: the count it stored (-1: not checked)
    private DirectoryBlocks blocks; // directories: where its names are stored (made anew when the entries are dropped)
    private byte format = DirectoryBlocks.FORMAT_RUNS; // directories: the format of the stored content
    boolean changedSinceCommit; // noted for the next commit (Commit.note), not yet written: kept in memory

    EncNode(EncFs fs, long ino, byte type, String target, BlockTree content) {
        super(fs, ino, type, target);
        this.fs = fs;
        this.content = content;
        this.blocks = type == Wasi.FILETYPE_DIRECTORY ? new DirectoryBlocks() : null;
    }

    // ---- storage ---------------------------------------------------------------------------

    /**
     * Restores what the inode record held. A directory's entries are read on first use; {@code
     * subdirectories} is its stored count of them, checked then (-1: a record of the format before
     * 2026-12-05, which had none; the count is what the entries give).
     */
    void restoreRecord(long size, long links, long atime, long mtime, long ctime, long subdirectories, byte format) {
        this.size = size;
        restore(links, atime, mtime, ctime);
        if (filetype() == Wasi.FILETYPE_DIRECTORY) {
            restoreUnloaded(Math.max(0, subdirectories));
            storedSubdirectories = subdirectories;
            this.format = format;
        }
    }

    /** A directory's stored format (see the class comment); 0 for other types. */
    byte directoryFormat() {
        return filetype() == Wasi.FILETYPE_DIRECTORY ? format : 0;
    }

    /** A directory's entries, from its content (the tree's hook: on first use, or all at once at a mount that walks). */
    @Override
    protected void loadEntries() throws ErrnoException {
        SecurityLog log = content.log();
        String[] names;
        long[] inos;
        if (format == DirectoryBlocks.FORMAT) { // the index now, each run at the first use of a name in it
            if (size % BLOCK != 0) throw log.damaged("directory " + inode() + " of " + size + " bytes");
            if (storedSubdirectories < 0) throw log.damaged("directory " + inode() + ": an index without a count of directories");
            blocks.loadIndex(content, size / BLOCK, inode(), log);
            enterInPart(storedSubdirectories);
            fs.entriesLoaded(this);
            return;
        }
        if (format == DirectoryBlocks.FORMAT_RUNS) {
            if (size % BLOCK != 0) throw log.damaged("directory " + inode() + " of " + size + " bytes");
            java.util.List<DirectoryBlocks.Entry> stored = blocks.load(content, size / BLOCK, inode(), log);
            names = new String[stored.size()];
            inos = new long[stored.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = stored.get(i).name();
                inos[i] = stored.get(i).ino();
            }
        } else if (format == 0) {
            ByteBuffer b = ByteBuffer.wrap(content.readBytes(size));
            try {
                int count = b.getInt();
                if (count < 0 || count > b.remaining() / 10) throw log.damaged("directory " + inode() + " is cut short");
                names = new String[count];
                inos = new long[count];
                for (int i = 0; i < count; i++) {
                    byte[] name = new byte[b.getShort() & 0xFFFF];
                    b.get(name);
                    names[i] = new String(name, StandardCharsets.UTF_8);
                    inos[i] = b.getLong();
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw log.damaged("directory " + inode() + " is cut short");
            }
        } else {
            throw log.damaged("directory " + inode() + ": unknown format " + format);
        }
        for (long ino : inos) if (ino == InodeTable.ROOT) throw log.damaged("directory " + inode() + " names the root");
        // each entry's inode is read on the first use of its name (resolve); a record without a
        // count of directories (the format before the space map), or entries that cannot be
        // entered so, read every inode now, which finds the damage
        if (storedSubdirectories < 0 || !enterStored(names, inos, names.length, storedSubdirectories)) {
            EncNode[] kids = new EncNode[names.length];
            for (int i = 0; i < names.length; i++) {
                kids[i] = fs.inode(inos[i]);
                if (kids[i] == null) throw log.damaged("directory " + inode() + " names a missing inode " + inos[i]);
            }
            enter(names, kids, log);
        }
        if (format == 0) blocks.layOut(entries()); // written in blocks at its first change
        fs.entriesLoaded(this);
    }

    /** An indexed directory: the run {@code name} falls in, read now if it is not yet. */
    @Override
    protected void loadEntriesFor(String name) throws ErrnoException {
        int b = blocks.runOf(name);
        if (!blocks.isRead(b)) readRun(b);
    }

    /** An indexed directory: every run not read yet (a listing). */
    @Override
    protected void loadRemainingEntries() throws ErrnoException {
        for (int b : blocks.unreadRuns()) readRun(b);
    }

    private void readRun(int b) throws ErrnoException {
        SecurityLog log = content.log();
        java.util.List<DirectoryBlocks.Entry> run = blocks.readRun(content, b, inode(), log);
        String[] names = new String[run.size()];
        long[] inos = new long[run.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = run.get(i).name();
            inos[i] = run.get(i).ino();
            if (inos[i] == InodeTable.ROOT) throw log.damaged("directory " + inode() + " names the root");
        }
        if (!enterPart(names, inos, names.length)) throw log.damaged("directory " + inode() + ", block " + b + ": entries that cannot be here");
        blocks.markRead(b);
        if (blocks.allRead()) enteredAll();
    }

    /** The inode a stored entry names, on the first use of its name. Errors: EIO (no such inode, a damaged record). */
    @Override
    protected TreeNode resolve(String name, long ino) throws ErrnoException {
        EncNode child = fs.inode(ino);
        if (child == null) throw content.log().damaged("directory " + inode() + " names a missing inode " + ino);
        return child;
    }

    /** Lets go of the entries and inodes nothing uses (the volume's memory is over its cache; see TreeNode.dropEntries). */
    boolean dropEntriesNow(boolean names) {
        return dropEntries(names);
    }

    /** The entries went (the volume's memory is over its cache): the next use reads them as a mount does. */
    @Override
    protected void entriesDropped() {
        blocks = new DirectoryBlocks();
        storedSubdirectories = subdirectories(); // what the committed record holds: the directory was clean
    }

    @Override
    protected ErrnoException damaged(String what) {
        return content.log().damaged("directory " + inode() + " " + what);
    }

    private void enter(String[] names, EncNode[] kids, SecurityLog log) throws ErrnoException {
        int count = names.length;
        if (!enterLoaded(names, kids, count)) { // stored in order: entered at once, else one by one to find the damage
            for (int i = 0; i < count; i++) {
                if (!enterLoaded(names[i], kids[i])) {
                    throw log.damaged("directory " + inode() + " names inode " + kids[i].inode() + " where it cannot be");
                }
            }
        }
        if (storedSubdirectories >= 0 && subdirectories() != storedSubdirectories) {
            throw log.damaged("directory " + inode() + " holds " + subdirectories() + " directories, its record says " + storedSubdirectories);
        }
    }

    @Override
    protected void entryAdded(String name) {
        blocks.added(name, entries());
    }

    @Override
    protected void entryRemoved(String name) {
        blocks.removed(name);
    }

    /** Before a commit: a directory's changed blocks of entries into its content. */
    void storeEntries() throws ErrnoException {
        if (filetype() != Wasi.FILETYPE_DIRECTORY || released() || !entriesLoaded()) return; // not loaded: not changed
        blocks.store(entries(), content);
        size = content.blocks() * BLOCK;
        format = blocks.format();
    }

    /** Makes the content exactly {@code bytes} (a link's target, a directory's entries). */
    void writeContent(byte[] bytes) throws ErrnoException {
        content.writeBytes(bytes);
        size = bytes.length;
    }

    /** Requires mu. The content's length in bytes (what the inode record stores). */
    long contentSize() {
        return size;
    }

    /** Frees an inode no name refers to (an orphan of a crash, at mount). */
    void releaseOrphan() throws ErrnoException {
        releaseIfUnused();
    }

    /**
     * For tests: makes an empty directory's stored entries exactly {@code raw} blocks of runs
     * ({@link DirectoryBlocks#FORMAT_RUNS}, as only a holder of the key could write them), unread,
     * committed with its record at the next commit.
     */
    void replaceEntriesForTests(byte[][] raw) throws ErrnoException {
        replaceEntriesForTests(raw, DirectoryBlocks.FORMAT_RUNS, -1);
    }

    /** As {@link #replaceEntriesForTests(byte[][])}, in {@code format}, with a stored count of directories ({@code -1}: none). */
    void replaceEntriesForTests(byte[][] raw, byte format, long subdirectories) throws ErrnoException {
        synchronized (mu) {
            if (filetype() != Wasi.FILETYPE_DIRECTORY || !entries().isEmpty()) throw new IllegalStateException("not an empty directory");
            content.resize(raw.length);
            for (int i = 0; i < raw.length; i++) content.write(i, raw[i].clone());
            size = raw.length * (long) BLOCK;
            this.format = format;
            restoreUnloaded(Math.max(0, subdirectories));
            storedSubdirectories = subdirectories;
            fs.changed(this);
        }
    }

    /** Reads the entries now if they are not yet (a mount that walks the whole tree). */
    void loadEntriesNow() throws ErrnoException {
        if (filetype() == Wasi.FILETYPE_DIRECTORY) loadNow();
    }

    // ---- the tree's hooks ------------------------------------------------------------------

    @Override
    protected DataHandle openData(boolean read, boolean write) {
        return new Handle(write);
    }

    /** Bytes past the size are always zero, so growing needs no writes (holes). */
    @Override
    protected void truncateData(long newSize) throws ErrnoException {
        long nblocks = (newSize + BLOCK - 1) / BLOCK;
        if (newSize < size && newSize % BLOCK != 0) {
            long last = newSize / BLOCK;
            byte[] blk = content.read(last).clone();
            Arrays.fill(blk, (int) (newSize % BLOCK), BLOCK, (byte) 0);
            content.resize(nblocks);
            content.write(last, blk);
        } else {
            content.resize(nblocks);
        }
        size = newSize;
    }

    @Override
    protected void release() throws ErrnoException {
        content.releaseAll();
        fs.released(this);
    }

    private final class Handle extends DataHandle {
        private boolean wrote; // guarded by mu

        Handle(boolean writable) {
            super(writable);
        }

        @Override
        protected void readData(ByteBuffer dst, long position, int n) throws ErrnoException {
            content.read(position, n, dst);
        }

        @Override
        protected void writeData(ByteBuffer src, long position, int n) throws ErrnoException {
            long end = position + n;
            if (end > size) {
                content.resize((end + BLOCK - 1) / BLOCK);
                size = end;
            }
            int done = 0;
            while (done < n) {
                long p = position + done;
                int off = (int) (p % BLOCK);
                int len = Math.min(BLOCK - off, n - done);
                byte[] blk = content.buffer();
                if (len < BLOCK) System.arraycopy(content.read(p / BLOCK), 0, blk, 0, BLOCK);
                src.get(blk, off, len);
                content.write(p / BLOCK, blk);
                done += len;
            }
            wrote = true;
            fs.relieve();
        }

        @Override
        public void truncate(long newSize) throws ErrnoException {
            synchronized (mu) {
                super.truncate(newSize);
                wrote = true;
            }
        }

        @Override
        public void sync(boolean dataOnly) throws ErrnoException {
            synchronized (mu) {
                checkUsable();
                fs.commit();
            }
        }

        /** Close acknowledges the writes made through the handle, when the volume commits eagerly. */
        @Override
        protected void closing() throws ErrnoException {
            if (wrote) fs.commitAtClose();
        }
    }
}
