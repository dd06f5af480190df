package dev.arca.fs.tree;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.Times;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A file, directory or symbolic link of a {@link Tree}: one object per inode, shared by every name
 * (hard links) and every open handle, so all of them see one state. The tree's part (names,
 * links, times, lifetime) is here and final; a subclass supplies a regular file's data through
 * {@link #size}, {@link #openData}, {@link #truncateData} and {@link #release}. Every field is
 * guarded by the tree's {@link #mu}; every method takes it.
 *
 * <p>Errors are those of {@link Node}, as Linux gives them, plus: ENOENT for a new entry in a
 * removed directory, and for opening or linking a node already released;
 * ENAMETOOLONG for a new name over {@link Tree#NAME_MAX} bytes; EROFS on a read-only file system;
 * ENOSPC when the file system refuses the space; whatever {@link Tree#checkUsable} gives.
 */
public abstract non-sealed class TreeNode implements Node, TreeEntry {
    private final Tree tree;
    /** The tree's lock (see the package comment). */
    protected final Object mu;
    private final long inode;
    private final byte type;
    private final String target; // symbolic links
    private final int targetBytes;
    // guarded by mu
    private long links = 1; // names; a directory: 1 while named, 0 once removed
    private int references; // open handles and pins
    private boolean released;
    private long atime, mtime, ctime;
    private final TreeMap<String, TreeEntry> children; // directories
    /**
     * A regular file's size in bytes, kept by the file system's data code (which may use it for
     * the content of other types too: the tree reports 0 for a directory and the target's length
     * for a symbolic link).
     */
    protected long size;
    private TreeNode parent; // directories: the directory naming it
    private long subdirectories;
    /** A directory whose entries the file system has not entered yet ({@link #loadEntries} on first use). */
    private boolean unloaded;
    private boolean loading; // loadEntries is entering them
    private boolean storedCount; // entered by number (enterStored) and not all read: the stored directory count not checked yet
    private boolean partial; // entered in part (enterInPart): some stored entries are not entered yet

    /** A node with one link and every time set to now (see {@link Tree#newNode}). */
    protected TreeNode(Tree tree, long inode, byte type, String target) {
        if ((type == Wasi.FILETYPE_SYMBOLIC_LINK) != (target != null)) throw new IllegalArgumentException("target");
        this.tree = tree;
        this.mu = tree.mu;
        this.inode = inode;
        this.type = type;
        this.target = target;
        this.targetBytes = target == null ? 0 : Tree.utf8Length(target);
        this.children = type == Wasi.FILETYPE_DIRECTORY ? new TreeMap<>() : null;
        this.atime = this.mtime = this.ctime = tree.now();
    }

    // ---- what a file system supplies (each called with mu held) ------------------------------

    /**
     * A handle on a regular file's data; the tree has checked the type, the mode and that the
     * node is not released, and counts the handle as a reference until it is closed.
     */
    protected abstract DataHandle openData(boolean read, boolean write) throws ErrnoException;

    /**
     * Sets a regular file's size, with zeros when it grows. The tree has checked that {@code
     * size} is within 0 and {@link Tree#maxFileSize}, and sets the times afterwards. Errors: ENOSPC.
     */
    protected abstract void truncateData(long size) throws ErrnoException;

    /**
     * Frees what the node holds: no name, no handle and no pin refers to it any more, and none
     * will. Called once. The node's namespace bytes are credited by the tree.
     */
    protected abstract void release() throws ErrnoException;

    /**
     * Enters a directory's stored entries ({@link #enterLoaded}), for a file system that loads
     * directories on first use ({@link #restoreUnloaded}). Called once, with mu held, before
     * anything reads or changes the entries; on an error nothing stays entered and the next use
     * calls it again.
     */
    protected void loadEntries() throws ErrnoException {}

    /**
     * For a file system that enters a directory's stored entries in parts ({@link #enterInPart}):
     * enters ({@link #enterPart}) the part that holds {@code name} if it is not entered yet, so
     * that the entries then say whether {@code name} is there. Called with mu held before a name is
     * looked up, made or removed in a directory entered in part; {@link #enteredAll} ends that.
     * Errors: EIO when the stored directory is damaged (nothing entered).
     */
    protected void loadEntriesFor(String name) throws ErrnoException {
        throw new IllegalStateException("a directory entered in part by a file system that enters none");
    }

    /** As {@link #loadEntriesFor}, every part not entered yet (a listing); then {@link #enteredAll}. */
    protected void loadRemainingEntries() throws ErrnoException {
        throw new IllegalStateException("a directory entered in part by a file system that enters none");
    }

    /**
     * The node of inode {@code ino}, which this directory's stored entry {@code name} names (see
     * {@link #enterStored}): read on the first use of the name. The tree then checks that it can be
     * here (a directory named in no other directory). Called with mu held. Errors: EIO when the
     * stored tree is damaged.
     */
    protected TreeNode resolve(String name, long ino) throws ErrnoException {
        throw new IllegalStateException("a stored entry in a file system that stores none");
    }

    /** The error for damage the tree finds in what a file system stored in this directory (EIO). */
    protected ErrnoException damaged(String what) {
        return Errno.EIO.fail("directory " + inode + ": " + what);
    }

    /**
     * {@code name} was entered in this directory (it is in {@link #entries} now), or removed from
     * it: for a file system that stores a directory by its names. Not called while the entries
     * load. Called with mu held.
     */
    protected void entryAdded(String name) {}

    protected void entryRemoved(String name) {}

    // ---- for file systems: state they store or restore -----------------------------------------

    public final long inode() {
        return inode;
    }

    /** Its names (a directory: 1 while named, 0 once removed). */
    public final long links() {
        synchronized (mu) {
            return links;
        }
    }

    /** Whether the node was released (see {@link #release}). */
    public final boolean released() {
        synchronized (mu) {
            return released;
        }
    }

    /** A symbolic link's target; null for other types. */
    public final String target() {
        return target;
    }

    /**
     * A directory's entries in name order, read-only (for a file system that stores them): nodes,
     * and {@link TreeEntry.Stored} numbers for names not used since they were entered; empty for a directory
     * not loaded yet (see {@link #entriesLoaded}), and only the parts entered so far for one
     * entered in part ({@link #enterInPart}).
     */
    public final NavigableMap<String, TreeEntry> entries() {
        return children == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(children);
    }

    /** Whether a directory's entries are in memory (false until the first use of one restored unloaded). */
    public final boolean entriesLoaded() {
        synchronized (mu) {
            return !unloaded;
        }
    }

    /** A directory's subdirectories (its link count is 2 more while named), for a file system that stores it. */
    public final long subdirectories() {
        synchronized (mu) {
            return subdirectories;
        }
    }

    /**
     * Marks a directory just made from its stored record as not loaded: {@link #loadEntries} enters
     * its entries on first use, and until then its link count is {@code 2 + subdirectories}, as
     * stored.
     */
    protected final void restoreUnloaded(long subdirectories) {
        synchronized (mu) {
            if (type != Wasi.FILETYPE_DIRECTORY || !children.isEmpty()) throw new IllegalStateException("not an empty directory");
            this.unloaded = true;
            this.subdirectories = subdirectories;
        }
    }

    /** Loads the entries now if they are not yet (a file system walking its whole tree). */
    protected final void loadNow() throws ErrnoException {
        synchronized (mu) {
            allChildren();
        }
    }

    /** A directory's entries, every one loaded (a listing). Requires mu. */
    private TreeMap<String, TreeEntry> allChildren() throws ErrnoException {
        TreeMap<String, TreeEntry> ch = children();
        if (partial) {
            loadRemainingEntries();
            if (partial) throw new IllegalStateException("directory " + inode + " still entered in part");
        }
        return ch;
    }

    /** A directory's entries, with those among which {@code name} would be loaded. Requires mu. */
    private TreeMap<String, TreeEntry> children(String name) throws ErrnoException {
        TreeMap<String, TreeEntry> ch = children();
        if (partial) loadEntriesFor(name);
        return ch;
    }

    /** Whether a directory has no entry (one entered in part has some: a part is never empty). Requires mu. */
    private boolean isEmptyDirectory() throws ErrnoException {
        return children().isEmpty() && !partial;
    }

    /** A directory's entries as loaded so far (all, unless entered in part), loaded first if they are not yet. Requires mu. */
    private TreeMap<String, TreeEntry> children() throws ErrnoException {
        if (unloaded) {
            long stored = subdirectories;
            unloaded = false;
            subdirectories = 0;
            boolean done = false;
            try {
                loading = true;
                loadEntries();
                done = true;
            } finally {
                loading = false;
                if (!done) { // nothing stays entered: the next use tries again (and fails the same way)
                    for (TreeEntry e : children.values()) {
                        if (e instanceof TreeNode c && c.type == Wasi.FILETYPE_DIRECTORY && c.parent == this) c.parent = null;
                    }
                    children.clear();
                    storedCount = false;
                    partial = false;
                    subdirectories = stored;
                    unloaded = true;
                }
            }
        }
        return children;
    }

    /** The node named {@code name} here (null: none), read first if only its number is in memory. Requires mu. */
    private TreeNode child(String name) throws ErrnoException {
        TreeMap<String, TreeEntry> ch = children(name);
        TreeEntry e = ch.get(name);
        if (e == null || e instanceof TreeNode) return (TreeNode) e;
        TreeNode n = resolved(name, e.inode());
        ch.put(name, n); // the key is there: a value replaced, the map unchanged
        return n;
    }

    /** The node of a stored entry, checked and placed (its directory's parent set). Requires mu. */
    private TreeNode resolved(String name, long ino) throws ErrnoException {
        TreeNode n = resolve(name, ino);
        if (n == null || n.tree != tree || n.inode != ino) throw new IllegalStateException("resolve gave another inode than " + ino);
        if (n == this || n.type == Wasi.FILETYPE_DIRECTORY && n.parent != null && n.parent != this) {
            throw damaged("names directory " + ino + " where it cannot be (\"" + name + "\")");
        }
        if (n.type == Wasi.FILETYPE_DIRECTORY) n.parent = this;
        return n;
    }

    /**
     * Every entry read (a listing needs each one's type), and the count of directories among them
     * checked against the one the file system stored. Requires mu.
     */
    private TreeMap<String, TreeEntry> resolvedChildren() throws ErrnoException {
        TreeMap<String, TreeEntry> ch = allChildren();
        long dirs = 0;
        for (java.util.Map.Entry<String, TreeEntry> e : ch.entrySet()) {
            TreeNode n = e.getValue() instanceof TreeNode t ? t : resolved(e.getKey(), e.getValue().inode());
            e.setValue(n);
            if (n.type == Wasi.FILETYPE_DIRECTORY) dirs++;
        }
        if (storedCount) {
            storedCount = false;
            if (dirs != subdirectories) throw damaged("holds " + dirs + " directories, its record says " + subdirectories);
        }
        return ch;
    }

    /**
     * Lets go of what a file system can read again, so that memory holds what is in use rather
     * than all that was ever read: each entry whose node nothing holds (no handle or pin, not a
     * directory with its entries in memory) and that {@link Tree#droppable} allows becomes its
     * inode number again ({@link Tree#dropped}), read anew at the next use of its name; with
     * {@code names}, when all entries are numbers and this directory is droppable, the entries
     * themselves go and are read again at the next use (as after a mount: {@link #loadEntries}).
     * Returns whether the entries went. Only for a file system that stores its tree ({@link
     * #enterStored}, {@link #resolve}).
     */
    protected final boolean dropEntries(boolean names) {
        synchronized (mu) {
            if (type != Wasi.FILETYPE_DIRECTORY || released || loading) return false;
            if (unloaded) return true;
            boolean all = true;
            for (java.util.Map.Entry<String, TreeEntry> e : children.entrySet()) {
                if (!(e.getValue() instanceof TreeNode c)) continue;
                if (c.references == 0 && (c.type != Wasi.FILETYPE_DIRECTORY || c.unloaded) && tree.droppable(c)) {
                    e.setValue(new TreeEntry.Stored(c.inode));
                    tree.dropped(c);
                } else {
                    all = false;
                }
            }
            if (!names || !all || !tree.droppable(this)) return false;
            children.clear(); // the link count stays: subdirectories is what the stored entries give
            storedCount = false;
            partial = false;
            unloaded = true;
            entriesDropped();
            return true;
        }
    }

    /** This directory's entries were dropped ({@link #dropEntries}): the next use loads them again. Called with mu held. */
    protected void entriesDropped() {}

    /** Restores the counters a file system stored (when it loads a node). */
    protected final void restore(long links, long atime, long mtime, long ctime) {
        synchronized (mu) {
            this.links = links;
            this.atime = atime;
            this.mtime = mtime;
            this.ctime = ctime;
        }
    }

    /**
     * Enters {@code child} under {@code name} as a file system loads its tree: no times, links or
     * space change. Returns false, entering nothing, when the entry cannot be (the name is taken,
     * or the child is a directory already entered elsewhere): the stored tree is damaged.
     */
    protected final boolean enterLoaded(String name, TreeNode child) {
        synchronized (mu) {
            if (type != Wasi.FILETYPE_DIRECTORY || children.containsKey(name) || child == this) return false;
            if (child.type == Wasi.FILETYPE_DIRECTORY && child.parent != null) return false;
            put(name, child);
            return true;
        }
    }

    /** Releases the node if nothing refers to it (a file system's orphans at mount). */
    protected final void releaseIfUnused() throws ErrnoException {
        synchronized (mu) {
            if (links > 0 || references > 0 || released) return;
            released = true;
            tree.credit(Tree.NODE_BYTES + targetBytes);
            release();
        }
    }

    /** After a write: the data's times change. Requires mu. */
    protected final void dataChanged() {
        mtime = ctime = tree.now();
        tree.changed(this);
    }

    // ---- Node -----------------------------------------------------------------------------------

    @Override
    public final FileSystem fileSystem() {
        return tree;
    }

    @Override
    public final byte filetype() {
        return type;
    }

    @Override
    public final Stat stat() {
        synchronized (mu) {
            long size = switch (type) {
                case Wasi.FILETYPE_REGULAR_FILE -> this.size;
                case Wasi.FILETYPE_SYMBOLIC_LINK -> targetBytes;
                default -> 0;
            };
            long n = type == Wasi.FILETYPE_DIRECTORY ? (links == 0 ? 0 : 2 + subdirectories) : links;
            return new Stat(0, inode, type, n, size, atime, mtime, ctime);
        }
    }

    private void requireDirectory() throws ErrnoException {
        if (type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
        tree.checkUsable();
    }

    /**
     * Enters a loaded directory's entries at once, {@code names} in ascending order (as a
     * directory is stored): the children's map is built in linear time instead of by one insertion
     * each. Returns false, entering nothing, when this is not an empty directory, the names are not
     * strictly ascending, or a child cannot be here (see {@link #enterLoaded(String, TreeNode)}):
     * the caller then enters them one by one, which finds the damage.
     */
    protected final boolean enterLoaded(String[] names, TreeNode[] kids, int n) {
        synchronized (mu) {
            if (type != Wasi.FILETYPE_DIRECTORY || !children.isEmpty()) return false;
            List<java.util.Map.Entry<String, TreeEntry>> run = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (i > 0 && names[i - 1].compareTo(names[i]) >= 0) return false;
                TreeNode child = kids[i];
                if (child == this || child.type == Wasi.FILETYPE_DIRECTORY && child.parent != null) return false;
                run.add(java.util.Map.entry(names[i], child));
            }
            children.putAll(new SortedRun<>(run)); // TreeMap builds from a sorted map in linear time
            for (int i = 0; i < n; i++) {
                if (kids[i].type == Wasi.FILETYPE_DIRECTORY) {
                    kids[i].parent = this;
                    subdirectories++;
                }
            }
            return true;
        }
    }

    /**
     * Enters a loaded directory's entries by inode number only, {@code names} in ascending order:
     * each is read on the first use of its name ({@link #resolve}), so a lookup in a directory of
     * n entries reads one inode, not n. {@code subdirectories} is the count of directories among
     * them that the file system stored (the link count needs it before the entries are read); it
     * is checked once all are read ({@link #list}). Returns false, entering nothing, when this is
     * not an empty directory, the names are not strictly ascending, or one names this directory:
     * the stored directory is damaged.
     */
    protected final boolean enterStored(String[] names, long[] inodes, int n, long subdirectories) {
        synchronized (mu) {
            if (type != Wasi.FILETYPE_DIRECTORY || !children.isEmpty() || subdirectories < 0 || subdirectories > n) return false;
            List<java.util.Map.Entry<String, TreeEntry>> run = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (i > 0 && names[i - 1].compareTo(names[i]) >= 0 || inodes[i] == inode) return false;
                run.add(java.util.Map.entry(names[i], new TreeEntry.Stored(inodes[i])));
            }
            children.putAll(new SortedRun<>(run));
            this.subdirectories = subdirectories;
            this.storedCount = n > 0;
            return true;
        }
    }

    /**
     * From {@link #loadEntries}: the stored entries are entered in parts ({@link #enterPart}) as
     * their names are used ({@link #loadEntriesFor}), so a lookup in a directory of millions of
     * names reads the part that holds the name, not all of them. {@code subdirectories} is as
     * {@link #enterStored}'s, checked once every part is entered and read ({@link #list}).
     */
    protected final void enterInPart(long subdirectories) {
        synchronized (mu) {
            if (!loading || !children.isEmpty() || subdirectories < 0) throw new IllegalStateException("not a directory being loaded");
            this.subdirectories = subdirectories;
            this.storedCount = true;
            this.partial = true;
        }
    }

    /**
     * Enters a part of a directory entered in part by inode number only ({@link #enterStored}),
     * {@code names} in ascending order. Returns false, entering nothing, when a name is there
     * already, the names are not strictly ascending, or one names this directory: the stored
     * directory is damaged.
     */
    protected final boolean enterPart(String[] names, long[] inodes, int n) {
        synchronized (mu) {
            if (!partial) throw new IllegalStateException("not a directory entered in part");
            for (int i = 0; i < n; i++) {
                if (i > 0 && names[i - 1].compareTo(names[i]) >= 0 || inodes[i] == inode || children.containsKey(names[i])) return false;
            }
            for (int i = 0; i < n; i++) children.put(names[i], new TreeEntry.Stored(inodes[i]));
            return true;
        }
    }

    /** Every part of a directory entered in part is entered ({@link #enterPart}). */
    protected final void enteredAll() {
        synchronized (mu) {
            partial = false;
        }
    }

    /**
     * Entries in ascending order of name, as the sorted map {@link TreeMap#putAll} copies without
     * comparing; only what {@code putAll} uses is there (the views are not).
     */
    private static final class SortedRun<V> extends java.util.AbstractMap<String, V> implements java.util.SortedMap<String, V> {
        private final List<java.util.Map.Entry<String, V>> entries;

        SortedRun(List<java.util.Map.Entry<String, V>> entries) {
            this.entries = entries;
        }

        @Override
        public java.util.Comparator<? super String> comparator() {
            return null; // natural order, as the children's map
        }

        @Override
        public java.util.Set<java.util.Map.Entry<String, V>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() {
                    return entries.size();
                }

                @Override
                public java.util.Iterator<java.util.Map.Entry<String, V>> iterator() {
                    return entries.iterator();
                }
            };
        }

        @Override
        public String firstKey() {
            return entries.getFirst().getKey();
        }

        @Override
        public String lastKey() {
            return entries.getLast().getKey();
        }

        @Override
        public java.util.SortedMap<String, V> subMap(String from, String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedMap<String, V> headMap(String to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.SortedMap<String, V> tailMap(String from) {
            throw new UnsupportedOperationException();
        }
    }

    /** Errors: ENOENT when this directory was removed. */
    private void requireNamed() throws ErrnoException {
        if (links == 0) throw Errno.ENOENT.fail("directory was removed");
    }

    private void put(String name, TreeNode child) {
        children.put(name, child);
        if (child.type == Wasi.FILETYPE_DIRECTORY) {
            child.parent = this;
            subdirectories++;
        }
        if (!loading) entryAdded(name);
    }

    /** Removes an entry whose node is in memory (every caller reads it first: its type counts). */
    private TreeNode remove(String name) {
        TreeNode child = (TreeNode) children.remove(name);
        if (child.type == Wasi.FILETYPE_DIRECTORY) subdirectories--;
        entryRemoved(name);
        return child;
    }

    /** This directory's entries changed. */
    private void touch() {
        mtime = ctime = tree.now();
        tree.changed(this);
    }

    /** {@code child} lost the name it had here (already removed from the map). */
    private void unnamed(TreeNode child) throws ErrnoException {
        if (child.type == Wasi.FILETYPE_DIRECTORY) {
            child.links = 0;
            child.parent = null;
        } else {
            child.links--;
        }
        child.ctime = tree.now();
        tree.changed(child);
        child.releaseIfUnused();
    }

    @Override
    public final Node lookup(String name) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            TreeNode child = child(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            return child;
        }
    }

    /** Makes and names a new node. Requires mu and a directory. */
    private TreeNode add(String name, byte childType, String linkTarget) throws ErrnoException {
        Tree.checkName(name);
        requireNamed();
        if (children(name).containsKey(name)) throw Errno.EEXIST.fail(name);
        tree.checkWritable();
        long bytes = Tree.entryBytes(name) + Tree.NODE_BYTES + (linkTarget == null ? 0 : Tree.utf8Length(linkTarget));
        tree.charge(bytes);
        TreeNode child;
        try {
            child = tree.newNode(childType, linkTarget);
        } catch (ErrnoException | RuntimeException e) {
            tree.credit(bytes);
            throw e;
        }
        put(name, child);
        tree.changed(child);
        touch();
        tree.namespaceChanged();
        return child;
    }

    @Override
    public final Node createFile(String name, boolean exclusive) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            TreeNode existing = child(name);
            if (existing != null) {
                if (exclusive) throw Errno.EEXIST.fail(name);
                if (existing.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
                return existing;
            }
            return add(name, Wasi.FILETYPE_REGULAR_FILE, null);
        }
    }

    @Override
    public final void createDirectory(String name) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            add(name, Wasi.FILETYPE_DIRECTORY, null);
        }
    }

    @Override
    public final void createSymlink(String name, String linkTarget) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            add(name, Wasi.FILETYPE_SYMBOLIC_LINK, linkTarget);
        }
    }

    @Override
    public final void link(String name, Node existing) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            tree.checkWritable();
            if (!(existing instanceof TreeNode other) || other.tree != tree) throw Errno.EXDEV.fail();
            if (other.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
            Tree.checkName(name);
            requireNamed();
            if (other.links == 0 || other.released) throw Errno.ENOENT.fail("the file has no name left");
            if (children(name).containsKey(name)) throw Errno.EEXIST.fail(name);
            tree.charge(Tree.entryBytes(name));
            put(name, other);
            other.links++;
            other.ctime = tree.now();
            tree.changed(other);
            touch();
            tree.namespaceChanged();
        }
    }

    @Override
    public final void unlink(String name) throws ErrnoException {
        removeEntry(name, false);
    }

    @Override
    public final void removeDirectory(String name) throws ErrnoException {
        removeEntry(name, true);
    }

    /** unlink (a file, a symbolic link) or rmdir (an empty directory). */
    private void removeEntry(String name, boolean directory) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            tree.checkWritable();
            TreeNode child = child(name);
            if (child == null) throw Errno.ENOENT.fail(name);
            if (!directory && child.type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail(name);
            if (directory && child.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(name);
            if (directory && !child.isEmptyDirectory()) throw Errno.ENOTEMPTY.fail(name);
            remove(name);
            tree.credit(Tree.entryBytes(name));
            touch();
            unnamed(child);
            tree.namespaceChanged();
        }
    }

    @Override
    public final void rename(String name, Node newParent, String newName) throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            tree.checkWritable();
            if (!(newParent instanceof TreeNode dst) || dst.tree != tree) throw Errno.EXDEV.fail();
            if (dst.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
            Tree.checkName(newName);
            TreeNode moving = child(name);
            if (moving == null) throw Errno.ENOENT.fail(name);
            dst.requireNamed();
            TreeNode replaced = dst.child(newName);
            if (replaced == moving) return; // two names of one file: rename(2) does nothing
            if (moving.type == Wasi.FILETYPE_DIRECTORY) {
                for (TreeNode p = dst; p != null; p = p.parent) {
                    if (p == moving) throw Errno.EINVAL.fail("directory into itself");
                }
            }
            if (replaced != null) {
                if (moving.type == Wasi.FILETYPE_DIRECTORY) {
                    if (replaced.type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(newName);
                    if (!replaced.isEmptyDirectory()) throw Errno.ENOTEMPTY.fail(newName);
                } else if (replaced.type == Wasi.FILETYPE_DIRECTORY) {
                    throw Errno.EISDIR.fail(newName);
                }
            }
            // the entry moves: a new name costs its length, a replaced entry's name is reused
            long delta = (replaced == null ? Tree.entryBytes(newName) : 0) - Tree.entryBytes(name);
            if (delta > 0) tree.charge(delta);
            remove(name);
            if (replaced != null) dst.remove(newName);
            dst.put(newName, moving);
            if (delta < 0) tree.credit(-delta);
            moving.ctime = tree.now();
            tree.changed(moving);
            touch();
            if (dst != this) dst.touch();
            if (replaced != null) unnamed(replaced);
            tree.namespaceChanged();
        }
    }

    @Override
    public final List<DirEntry> list() throws ErrnoException {
        synchronized (mu) {
            requireDirectory();
            TreeMap<String, TreeEntry> children = resolvedChildren();
            List<DirEntry> out = new ArrayList<>(children.size()); // a removed directory: none
            children.forEach((n, e) -> out.add(new DirEntry(n, e.inode(), ((TreeNode) e).type)));
            return out;
        }
    }

    @Override
    public final String readlink() throws ErrnoException {
        if (type != Wasi.FILETYPE_SYMBOLIC_LINK) throw Errno.EINVAL.fail("not a symbolic link");
        return target;
    }

    @Override
    public final FileHandle open(boolean read, boolean write) throws ErrnoException {
        if (type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
        if (type != Wasi.FILETYPE_REGULAR_FILE) throw Errno.ELOOP.fail();
        synchronized (mu) {
            tree.checkUsable();
            if (write) tree.checkWritable();
            if (released) throw Errno.ENOENT.fail();
            DataHandle h = openData(read, write);
            references++;
            return h;
        }
    }

    @Override
    public final void truncate(long size) throws ErrnoException {
        synchronized (mu) {
            if (type == Wasi.FILETYPE_DIRECTORY) throw Errno.EISDIR.fail();
            if (type != Wasi.FILETYPE_REGULAR_FILE) throw Errno.EINVAL.fail("not a regular file");
            tree.checkUsable();
            tree.checkWritable();
            if (size < 0) throw Errno.EINVAL.fail("negative size");
            if (size > tree.maxFileSize()) throw Errno.EFBIG.fail();
            if (released) throw Errno.ENOENT.fail();
            truncateData(size);
            dataChanged();
        }
    }

    @Override
    public final void setTimes(long a, long m) throws ErrnoException {
        synchronized (mu) {
            tree.checkUsable();
            tree.checkWritable();
            if (a != Times.OMIT) atime = a;
            if (m != Times.OMIT) mtime = m;
            ctime = tree.now();
            tree.changed(this);
        }
    }

    /** A node in memory names the same object while held: a pin only keeps it from release. */
    @Override
    public final Node pin() {
        synchronized (mu) {
            references++;
            return this;
        }
    }

    @Override
    public final void unpin() {
        synchronized (mu) {
            if (references == 0) return; // an unpin without its pin: nothing to release
            references--;
            try {
                releaseIfUnused();
            } catch (ErrnoException e) {
                tree.failedQuietly("release after the last pin", e);
            }
        }
    }

    /**
     * An open regular file: a reference to its node until {@link #close}d, once. The handle checks
     * every call (EBADF after close or for a write through a handle not opened for writing, EINVAL
     * for a negative position, EFBIG past {@link Tree#maxFileSize}) and sets the times after a
     * write; the file system moves the bytes ({@link #readData}, {@link #writeData}).
     */
    protected abstract class DataHandle implements FileHandle {
        private final boolean writable;
        private boolean closed; // guarded by mu

        protected DataHandle(boolean writable) {
            this.writable = writable;
        }

        /**
         * Copies {@code n} bytes (at least 1, all below {@link #size}) from {@code position} into
         * {@code dst}. Called with mu held.
         */
        protected abstract void readData(ByteBuffer dst, long position, int n) throws ErrnoException;

        /**
         * Copies all {@code n} bytes of {@code src} to {@code position}, first growing the file
         * (with zeros up to {@code position}) when the write ends past {@link #size}. Called with
         * mu held. Errors: ENOSPC (then nothing of {@code src} is consumed and the size is as it was).
         */
        protected abstract void writeData(ByteBuffer src, long position, int n) throws ErrnoException;

        /** What the file system does at close besides dropping the reference (mu held). */
        protected void closing() throws ErrnoException {}

        private void checkOpen() throws ErrnoException {
            if (closed) throw Errno.EBADF.fail("closed");
            tree.checkUsable();
        }

        private void checkWritable() throws ErrnoException {
            checkOpen();
            if (!writable) throw Errno.EBADF.fail("not open for writing");
        }

        @Override
        public final int read(ByteBuffer dst, long position) throws ErrnoException {
            synchronized (mu) {
                checkOpen();
                if (position < 0) throw Errno.EINVAL.fail("negative position");
                int n = position >= size ? 0 : (int) Math.min(dst.remaining(), size - position);
                if (n > 0) readData(dst, position, n);
                return n;
            }
        }

        @Override
        public final int write(ByteBuffer src, long position) throws ErrnoException {
            synchronized (mu) {
                checkWritable();
                if (position < 0) throw Errno.EINVAL.fail("negative position");
                int n = src.remaining();
                long end = position + n;
                if (end > tree.maxFileSize() || end < 0) throw Errno.EFBIG.fail();
                writeData(src, position, n);
                dataChanged();
                return n;
            }
        }

        @Override
        public final long size() {
            synchronized (mu) {
                return size;
            }
        }

        @Override
        public void truncate(long size) throws ErrnoException {
            synchronized (mu) {
                checkWritable();
                TreeNode.this.truncate(size);
            }
        }

        /** Requires mu. Errors: EBADF after close, and what {@link Tree#checkUsable} gives. */
        protected final void checkUsable() throws ErrnoException {
            checkOpen();
        }

        @Override
        public final void close() {
            synchronized (mu) {
                if (closed) return;
                closed = true;
                references--;
                try {
                    releaseIfUnused();
                    closing();
                } catch (ErrnoException e) {
                    tree.failedQuietly("close", e);
                }
            }
        }
    }
}
