package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.Node;
import dev.arca.fs.tree.Tree;
import dev.arca.fs.tree.TreeNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Arca's encrypted, tamper-evident, crash-safe file system over one untrusted {@link BlockStore}.
 * The format, threat model and guarantees are in {@code docs/encfs.md}; the parts are in the
 * package comment. This class is the volume: it opens or formats one, holds the parts together,
 * and is the shared directory tree's file system ({@link Tree}), whose nodes ({@link EncNode})
 * keep their content in {@link BlockTree}s.
 *
 * <p>What commits: {@link #commit}, {@code FileHandle.sync}; with {@code commitEagerly} (the
 * default) also every change of names and the close of a handle that wrote, so what they
 * acknowledged survives a crash. Building an image turns it off and commits once.
 *
 * <p>Locking: one lock, {@link Tree#mu}, guards the whole volume (every node and every part),
 * so several handles and writers on one file see one state, as on Linux.
 */
public final class EncFs extends Tree implements AutoCloseable {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    /** Larger files are refused with EFBIG. */
    static final long MAX_FILE_SIZE = 1L << 40;
    /**
     * Blocks of plaintext kept in memory by default, twice: verified clean blocks, and changed
     * blocks not yet sealed to the store (no commit is needed for that; see {@link BlockCache}).
     */
    static final int CACHE_BLOCKS = 4096; // blocks: 16 MiB
    /**
     * Inodes held in memory by default: past it, the volume lets go of those nothing uses and
     * that have not changed since the last commit (directories' entries as well), oldest directory
     * first, down to half of it; they are read again when used (docs/encfs.md, "Memory").
     */
    public static final int CACHE_INODES = 65_536;

    /**
     * How a volume is opened. {@code cacheBlocks}: the clean blocks cached, and the changed
     * blocks held before they must be sealed (write-behind starts at a quarter of it). {@code
     * commitEagerly}: every change of names and the close of a handle that wrote commit before
     * they return (a {@code dirsync} mount); otherwise only {@code fsync} (of a file or a
     * directory) and the unmount do, and {@code commitWithinMillis}, when positive, bounds how long
     * any other change stays uncommitted (a background commit that many changes share). {@code
     * giveBackBlocks}: once that many blocks were freed, a commit gives the host back the space of
     * the volume's free runs at least that long, and cuts the host file after its last block in
     * use (0: never; see {@link Allocator}).
     */
    public record Options(LongSupplier clock, Consumer<String> securityLog, Freshness freshness,
            boolean readOnly, boolean commitEagerly, long maxBlocks, int cacheBlocks, long commitWithinMillis,
            int giveBackBlocks, int cacheInodes) {
        /** Runs of free blocks at least this long (1 MiB) go back to the host by default. */
        public static final int GIVE_BACK_BLOCKS = 256;
        /** How long a change waits at most for its commit when the volume does not commit eagerly. */
        public static final long COMMIT_WITHIN_MILLIS = 1000;

        public Options {
            if (cacheBlocks < 1) throw new IllegalArgumentException("cacheBlocks " + cacheBlocks);
            if (commitWithinMillis < 0) throw new IllegalArgumentException("commitWithinMillis " + commitWithinMillis);
            if (giveBackBlocks < 0) throw new IllegalArgumentException("giveBackBlocks " + giveBackBlocks);
            if (cacheInodes < 1) throw new IllegalArgumentException("cacheInodes " + cacheInodes);
        }

        /** Inodes kept in memory when nothing uses them (see {@link EncFs#CACHE_INODES}). */
        public Options withCacheInodes(int n) {
            return new Options(clock, securityLog, freshness, readOnly, commitEagerly, maxBlocks, cacheBlocks, commitWithinMillis, giveBackBlocks, n);
        }

        public static Options defaults(LongSupplier clock) {
            return new Options(clock, line -> System.err.println(line), Freshness.inMemory(), false, true, Long.MAX_VALUE, CACHE_BLOCKS, 0, GIVE_BACK_BLOCKS, CACHE_INODES);
        }

        public Options withReadOnly(boolean ro) {
            return new Options(clock, securityLog, freshness, ro, commitEagerly, maxBlocks, cacheBlocks, commitWithinMillis, giveBackBlocks, cacheInodes);
        }

        public Options withFreshness(Freshness f) {
            return new Options(clock, securityLog, f, readOnly, commitEagerly, maxBlocks, cacheBlocks, commitWithinMillis, giveBackBlocks, cacheInodes);
        }

        public Options withSecurityLog(Consumer<String> log) {
            return new Options(clock, log, freshness, readOnly, commitEagerly, maxBlocks, cacheBlocks, commitWithinMillis, giveBackBlocks, cacheInodes);
        }

        public Options withCommitEagerly(boolean s) {
            return new Options(clock, securityLog, freshness, readOnly, s, maxBlocks, cacheBlocks, commitWithinMillis, giveBackBlocks, cacheInodes);
        }

        /**
         * Commits at {@code fsync}, at the unmount, and in the background at most {@code millis}
         * after any other change (the POSIX promise, with a bound on what a crash may lose that
         * nothing acknowledged: like ext4's journal commit interval).
         */
        public Options withCommitAtSync(long millis) {
            if (millis <= 0) throw new IllegalArgumentException("commit within " + millis + " ms");
            return new Options(clock, securityLog, freshness, readOnly, false, maxBlocks, cacheBlocks, millis, giveBackBlocks, cacheInodes);
        }

        /** Gives back free runs of at least {@code blocks} blocks (0: never). */
        public Options withGiveBackBlocks(int blocks) {
            return new Options(clock, securityLog, freshness, readOnly, commitEagerly, maxBlocks, cacheBlocks, commitWithinMillis, blocks, cacheInodes);
        }

        public Options withMaxBlocks(long m) {
            return new Options(clock, securityLog, freshness, readOnly, commitEagerly, m, cacheBlocks, commitWithinMillis, giveBackBlocks, cacheInodes);
        }

        public Options withCacheBlocks(int n) {
            return new Options(clock, securityLog, freshness, readOnly, commitEagerly, maxBlocks, n, commitWithinMillis, giveBackBlocks, cacheInodes);
        }
    }

    /** Runs the background commits of volumes that do not commit eagerly (one daemon thread for all). */
    private static final ScheduledExecutorService COMMITTER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "arca-encfs-commit");
        t.setDaemon(true);
        return t;
    });

    private final Options options;
    private final BlockStore store;
    private final byte mode;
    private final byte[] volumeId;
    private final SecurityLog log;
    private final Superblock superblock;
    private final Allocator allocator;
    private final SealedStore sealed;
    private final BlockCache cache;
    // guarded by mu; set once when the volume is formatted or mounted
    private InodeTable inodes;
    private Commit commit;
    private EncNode root;
    private boolean closed;
    private boolean commitScheduled; // a background commit is due (commitWithinMillis > 0)
    private int shrinkAbove = Integer.MAX_VALUE; // inodes in memory past which the next operation shrinks them (the cache, then more)
    private final java.util.LinkedHashSet<Long> loadedDirectories = new java.util.LinkedHashSet<>(); // by number, oldest first: whose entries may be dropped

    private EncFs(BlockStore store, Sealer sealer, byte mode, byte[] volumeId, byte[] keyCheck, Options options) {
        super(options.clock(), MAX_FILE_SIZE);
        this.options = options;
        // small commits list their blocks in the superblock rather than sync them first (Commit)
        if (mode == Superblock.MODE_ENCRYPTED && !options.readOnly() && store.syncOrders()) store = new WriteList(store);
        this.store = store;
        this.mode = mode;
        this.volumeId = volumeId;
        this.log = new SecurityLog(store.name(), options.securityLog());
        this.superblock = new Superblock(mode, volumeId, keyCheck, sealer);
        this.allocator = new Allocator(options.maxBlocks(), store.name());
        this.sealed = new SealedStore(store, sealer, allocator, log, volumeId, options.readOnly() && mode == Superblock.MODE_ENCRYPTED);
        this.cache = new BlockCache(sealed, options.cacheBlocks(), options.cacheBlocks());
        this.shrinkAbove = options.cacheInodes();
    }

    // ---- creating and opening --------------------------------------------------------------

    /**
     * Formats a new encrypted volume in an empty store and commits it (version 1). With {@code
     * key == null} it is integrity-only (a read-only image being built: call {@link #commit} once
     * at the end; the root hash depends only on the content).
     */
    public static EncFs create(BlockStore store, VolumeKey key, Consumer<byte[]> random, Options options) throws ErrnoException {
        byte[] id = new byte[16];
        EncFs fs;
        if (key != null) {
            random.accept(id);
            fs = new EncFs(store, new Sealer.Aead(key.blockKey(id), random), Superblock.MODE_ENCRYPTED, id, key.check(id), options);
        } else {
            fs = new EncFs(store, new Sealer.Digest(), Superblock.MODE_INTEGRITY, id, new byte[16], options);
        }
        synchronized (fs.mu) {
            fs.start(InodeTable.empty(fs.emptyTree(0), fs.sealed, fs.cache, fs::loaded), 0, 0, null);
            fs.root = new EncNode(fs, InodeTable.ROOT, Wasi.FILETYPE_DIRECTORY, null, fs.emptyTree(InodeTable.ROOT));
            fs.inodes.add(fs.root);
            fs.commit.note(fs.root);
            if (key != null) fs.commit.run();
        }
        return fs;
    }

    /**
     * Opens a volume: picks the valid superblock with the highest version, refuses it if it is
     * older than {@link Freshness} knows, and reads the space map and the root (each inode and
     * directory is read and checked on first use, as data is). With {@code key ==
     * null} the store must be an integrity-only image ({@code expectedRoot}, if not null, is its
     * root hash). Errors: EIO (damaged, tampered, rolled back), EACCES (wrong or missing key).
     */
    public static EncFs open(BlockStore store, VolumeKey key, Consumer<byte[]> random, Options options,
            byte[] expectedRoot) throws ErrnoException {
        byte[][] slots = {new byte[BLOCK], new byte[BLOCK]};
        boolean[] present = {store.read(0, slots[0]), store.read(1, slots[1])};
        Superblock.Header h = Superblock.header(store.name(), slots, present);
        EncFs fs;
        if (h.mode() == Superblock.MODE_ENCRYPTED) {
            if (key == null) throw Errno.EACCES.fail(store.name() + ": an encrypted volume (give its key file)");
            if (!MessageDigest.isEqual(h.keyCheck(), key.check(h.volumeId()))) throw Errno.EACCES.fail(store.name() + ": wrong key");
            fs = new EncFs(store, new Sealer.Aead(key.blockKey(h.volumeId()), random), h.mode(), h.volumeId(), h.keyCheck(), options);
        } else if (h.mode() == Superblock.MODE_INTEGRITY) {
            fs = new EncFs(store, new Sealer.Digest(), h.mode(), h.volumeId(), h.keyCheck(), options.withReadOnly(true));
        } else {
            throw Errno.EIO.fail(store.name() + ": unknown volume mode " + h.mode());
        }
        synchronized (fs.mu) {
            fs.mount(slots, present, expectedRoot);
        }
        return fs;
    }

    /**
     * The volume id in {@code store}'s superblock, or null when the store holds no volume (empty,
     * or no superblock passes its check). Nothing in it is verified beyond that: it names the
     * volume, it does not vouch for it.
     */
    public static byte[] volumeId(BlockStore store) throws ErrnoException {
        if (isEmpty(store)) return null;
        byte[][] slots = {new byte[BLOCK], new byte[BLOCK]};
        boolean[] present = {store.read(0, slots[0]), store.read(1, slots[1])};
        try {
            return Superblock.header(store.name(), slots, present).volumeId();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /**
     * Whether the store holds no superblock at all: a volume created on first use, or one whose
     * creation a crash cut short. (A host that erases a volume can always destroy it; Arca then
     * starts it anew, and a freshness record it knows for the old one is not consulted.)
     */
    public static boolean isEmpty(BlockStore store) throws ErrnoException {
        byte[] b = new byte[BLOCK];
        for (int s = 0; s < 2; s++) {
            if (store.read(s, b) && !Arrays.equals(b, BlockTree.ZERO)) return false;
        }
        return true;
    }

    private BlockTree emptyTree(long ino) {
        return BlockTree.empty(sealed, cache, ino);
    }

    private void start(InodeTable table, long version, long spaceMap, BlockTree spaceTree) {
        inodes = table;
        boolean encrypted = mode == Superblock.MODE_ENCRYPTED;
        commit = new Commit(store, superblock, allocator, cache, inodes, encrypted ? options.freshness() : null, volumeId,
                options.readOnly() && encrypted, version, options.readOnly() ? 0 : options.giveBackBlocks(), log,
                this::emptyTree, spaceMap, spaceTree);
    }

    private void mount(byte[][] slots, boolean[] present, byte[] expectedRoot) throws ErrnoException {
        java.util.List<Superblock.Newest> valid = superblock.valid(slots, present);
        if (valid.isEmpty()) throw log.tampered("superblock", "no superblock authenticates");
        Superblock.Newest newest = valid.get(0);
        if (expectedRoot != null && !MessageDigest.isEqual(expectedRoot, Superblock.rootHash(newest.slot()))) {
            throw log.tampered("superblock", "root hash differs from the one expected");
        }
        long known = mode == Superblock.MODE_ENCRYPTED ? options.freshness().known(volumeId) : -1;
        if (newest.state().version() > known && !Superblock.complete(store, newest.state())) {
            // a listed commit whose sync a crash cut short: it never returned, and the slot before it is the volume
            long v = newest.state().version();
            if (valid.size() < 2) throw log.damaged("version " + v + " was cut short by a crash and no version before it is left");
            newest = valid.get(1);
            log.note("version " + v + " was cut short by a crash before it was durable (its blocks are not all on the disk): "
                    + "mounting version " + newest.state().version());
        }
        Superblock.State s = newest.state();
        if (s.version() < known) {
            throw log.tampered("superblock", "version " + s.version() + " is older than the committed version " + known + " (rollback)");
        }
        BlockTree table = BlockTree.load(sealed, cache, 0, s.table(), s.tableHeight(), s.tableBlocks());
        if (s.spaceMap() != 0) {
            // the superblock, the table's index, the space map and the root: nothing per file
            if (s.spaceMap() <= InodeTable.ROOT || s.spaceMap() >= Integer.MAX_VALUE) throw log.damaged("space map inode " + s.spaceMap());
            InodeTable t = InodeTable.lazy(table, sealed, cache, this::loaded);
            SpaceMap.Loaded map = SpaceMap.load(t, s.spaceMap());
            allocator.claimAll(map.blocks()); // before any other tree is loaded: each must find its blocks in the map
            t.restore(map.inodes(), map.orphans());
            start(t, s.version(), s.spaceMap(), map.tree());
            allocator.mounted(store.blocks());
            root = inodes.get(InodeTable.ROOT);
            for (long o : map.orphans()) {
                EncNode n = inodes.get(o);
                if (n != null && n.links() == 0) n.releaseOrphan(); // unlinked while open, then a crash
            }
        } else {
            // the format before 2026-12-05: every record and directory read now, and a map written at the next commit
            start(InodeTable.loadAll(table, sealed, cache, this::loaded), s.version(), 0, null);
            allocator.mounted(store.blocks()); // every block in use is claimed now
            root = inodes.get(InodeTable.ROOT);
            java.util.Collection<EncNode> all = inodes.all();
            for (EncNode n : all) n.loadEntriesNow();
            for (EncNode n : all) {
                if (n != root && n.links() == 0) n.releaseOrphan(); // unlinked while open, then a crash
            }
            if (!options.readOnly()) { // at the next commit: their entries in blocks, their records with the counts a later mount checks
                for (EncNode n : all) if (!n.released() && n.filetype() == Wasi.FILETYPE_DIRECTORY) commit.note(n);
            }
        }
        if (mode == Superblock.MODE_ENCRYPTED && s.version() > known) options.freshness().advance(volumeId, s.version());
    }

    /** An inode as its record describes it; a symbolic link's target is read at once. */
    private EncNode loaded(long ino, byte type, BlockTree content, long size, long links, long atime, long mtime, long ctime,
            long subdirectories, byte format) throws ErrnoException {
        String target = type == Wasi.FILETYPE_SYMBOLIC_LINK ? new String(content.readBytes(size), StandardCharsets.UTF_8) : null;
        EncNode n = new EncNode(this, ino, type, target, content);
        n.restoreRecord(size, links, atime, mtime, ctime, subdirectories, format);
        return n;
    }

    /** Requires mu. Inode {@code ino}, read on first use (null: no such inode). Errors: EIO. */
    EncNode inode(long ino) throws ErrnoException {
        return inodes.get(ino);
    }

    /**
     * For tests: every inode read and the blocks the committed tree refers to collected by a walk
     * of all of it (what the space map must equal right after a mount).
     */
    BitSet walkedBlocks() throws ErrnoException {
        synchronized (mu) {
            BitSet b = new BitSet();
            b.set(0, 2);
            for (EncNode n : inodes.all()) {
                n.loadEntriesNow();
                n.content.forEachBlock(x -> b.set((int) x));
            }
            inodes.tree().forEachBlock(x -> b.set((int) x));
            commit.forEachSpaceMapBlock(x -> b.set((int) x));
            return b;
        }
    }

    // ---- the volume ------------------------------------------------------------------------

    /** SHA-256 over the committed superblock's header and body: an image's identity. */
    public byte[] rootHash() {
        synchronized (mu) {
            if (mode != Superblock.MODE_INTEGRITY) throw new IllegalStateException("only integrity-only images have a root hash");
            // integrity-only sealing is deterministic: the committed slot, sealed again
            BlockTree table = inodes.tree();
            return Superblock.rootHash(superblock.seal(new Superblock.State(commit.version(), table.root(), table.height(), table.blocks(), commit.spaceMap())));
        }
    }

    public long version() {
        synchronized (mu) {
            return commit.version();
        }
    }

    public boolean encrypted() {
        return mode == Superblock.MODE_ENCRYPTED;
    }

    /** Makes every change durable and atomic (see {@link Commit}). Errors: ENOSPC, EIO. */
    public void commit() throws ErrnoException {
        synchronized (mu) {
            commit.run();
        }
    }

    /** Commits, then releases the store. Later calls on the volume's nodes give EIO. */
    @Override
    public void close() throws ErrnoException {
        synchronized (mu) {
            if (closed) return;
            try {
                commit.run();
            } finally {
                closed = true;
                cache.close();
                store.close();
            }
        }
    }

    /** Requires mu. Seals dirty data once too much is held in memory. */
    void relieve() throws ErrnoException {
        cache.relieve();
    }

    /** Requires mu. A handle that wrote was closed: commit, when the volume commits eagerly. */
    void commitAtClose() throws ErrnoException {
        if (options.commitEagerly()) commit.run();
    }

    /**
     * Requires mu. Something changed on a volume that commits in the background: a commit within
     * {@code commitWithinMillis}, shared by every change until it runs. A background commit that
     * fails is logged and made again by the next one (the guest's next {@code fsync} gets the
     * error).
     */
    private void scheduleCommit() {
        if (commitScheduled || options.commitWithinMillis() <= 0 || closed || options.readOnly()) return;
        commitScheduled = true;
        // the task holds the volume weakly: a volume dropped without close (a test's crashed store) is not kept alive
        java.lang.ref.WeakReference<EncFs> volume = new java.lang.ref.WeakReference<>(this);
        COMMITTER.schedule(() -> {
            EncFs fs = volume.get();
            if (fs != null) fs.backgroundCommit();
        }, options.commitWithinMillis(), TimeUnit.MILLISECONDS);
    }

    private void backgroundCommit() {
        synchronized (mu) {
            commitScheduled = false;
            if (closed) return;
            try {
                commit.run();
            } catch (ErrnoException e) {
                log.note("background commit failed: " + e.getMessage());
                scheduleCommit(); // made again later; the guest's next fsync gets the error
            } catch (RuntimeException e) {
                log.note("background commit failed: " + e);
            }
        }
    }

    /** {@code fsync} of a directory: its changes of names, and everything else, are made durable. */
    @Override
    public void sync(Node directory) throws ErrnoException {
        synchronized (mu) {
            checkUsable();
            commit.run();
        }
    }

    /** Requires mu. {@code n} was released: its inode is freed. */
    void released(EncNode n) throws ErrnoException {
        inodes.free(n.inode());
        commit.freed(n.inode());
    }

    // ---- the tree's hooks ------------------------------------------------------------------

    @Override
    protected TreeNode newNode(byte type, String target) throws ErrnoException {
        long ino = inodes.allocate();
        EncNode n = new EncNode(this, ino, type, target, emptyTree(ino));
        inodes.add(n);
        if (type == Wasi.FILETYPE_DIRECTORY) entriesLoaded(n);
        if (target != null) n.writeContent(target.getBytes(StandardCharsets.UTF_8));
        return n;
    }

    @Override
    protected void checkUsable() throws ErrnoException {
        if (closed) throw Errno.EIO.fail(store.name() + ": unmounted");
        // at the start of an operation, when no node is in the middle of one: memory back to the cache's size
        if (inodes != null && inodes.inMemory() > shrinkAbove) shrink();
    }

    /** Requires mu. A directory's entries are in memory ({@code d} read them, or was made): they may be dropped later. */
    void entriesLoaded(EncNode d) {
        loadedDirectories.add(d.inode());
    }

    /**
     * Requires mu. Lets go of what nothing uses and nothing changed since the last commit (see
     * {@link TreeNode#dropEntries}): first inodes, the directories' names kept (a directory read
     * again costs all its blocks), oldest directory first, until half the cache is held; then, once
     * the directories in memory hold more than {@link #NAMES_PER_INODE} names per inode of the
     * cache, whole directories' entries, oldest first, down to half of that. A directory that keeps
     * its entries (a file open, a change not committed, a subdirectory in use) goes to the back.
     */
    private void shrink() {
        int target = options.cacheInodes() / 2;
        long names = 0;
        for (java.util.Iterator<Long> it = loadedDirectories.iterator(); it.hasNext(); ) {
            EncNode d = inodes.held(it.next());
            if (d == null || d.released() || !d.entriesLoaded()) {
                it.remove();
                continue;
            }
            if (inodes.inMemory() > target) d.dropEntriesNow(false);
            names += d.entries().size();
        }
        // what could not go (changed, not committed) is looked at again only after half a cache more: a walk of every directory per operation otherwise
        shrinkAbove = (int) Math.min(Integer.MAX_VALUE, Math.max(options.cacheInodes(), inodes.inMemory() + (long) target));
        long most = (long) options.cacheInodes() * NAMES_PER_INODE;
        if (names <= most) return;
        for (int i = loadedDirectories.size(); i > 0 && names > most / 2; i--) {
            java.util.Iterator<Long> it = loadedDirectories.iterator();
            long ino = it.next();
            it.remove();
            EncNode d = inodes.held(ino);
            if (d == null) continue;
            int n = d.entries().size();
            if (d.dropEntriesNow(true)) names -= n;
            else loadedDirectories.add(ino);
        }
    }

    /** Names the directories in memory may hold per inode of the cache before whole directories are dropped (about 100 bytes a name). */
    static final int NAMES_PER_INODE = 16;

    @Override
    protected boolean droppable(TreeNode n) {
        return !closed && !commit.changed((EncNode) n);
    }

    @Override
    protected void dropped(TreeNode n) {
        inodes.drop((EncNode) n);
    }

    @Override
    protected void changed(TreeNode n) {
        commit.note((EncNode) n);
        scheduleCommit();
    }

    /** Commits after a change of names when the volume is mounted with that option. */
    @Override
    protected void namespaceChanged() throws ErrnoException {
        if (options.commitEagerly()) commit.run();
        else scheduleCommit();
    }

    @Override
    protected void failedQuietly(String what, ErrnoException e) {
        // the change stays in memory for the next commit
        log.note(what + " failed: " + e.getMessage());
    }

    // ---- FileSystem --------------------------------------------------------------------------

    @Override
    public Node root() {
        return root;
    }

    @Override
    public String type() {
        return mode == Superblock.MODE_ENCRYPTED ? "encfs" : "image";
    }

    @Override
    public boolean readOnly() {
        return options.readOnly();
    }

    public String name() {
        return store.name();
    }

    /** For tests and the image tools: blocks in use by the working tree. */
    public int blocksInUse() {
        synchronized (mu) {
            return allocator.inUse();
        }
    }

    /** For tests: the blocks the working tree uses, less those only the last commit used (what a commit's map would hold, with its own and the table's). */
    BitSet liveBlocks() {
        synchronized (mu) {
            BitSet b = allocator.committing();
            b.set(0, 2);
            return b;
        }
    }

    /** How the volume was opened. */
    public Options options() {
        return options;
    }

    /** For tests: how many inodes are in memory. */
    int inodesInMemory() {
        synchronized (mu) {
            return inodes.inMemory();
        }
    }

    /** For tests: the blocks the working tree uses. */
    BitSet usedBlocks() {
        synchronized (mu) {
            return allocator.snapshot();
        }
    }
}
