package dev.arca.fs.encfs;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Arca's encrypted, tamper-evident, crash-safe file system over one untrusted {@link BlockStore}.
 * The format, threat model and guarantees are in {@code docs/encfs.md}; in short:
 *
 * <ul>
 * <li>Blocks 0 and 1 are superblock slots; version v is written to slot v % 2. Every other block
 *     is sealed ({@link Sealer}) and reached through a Merkle tree of {@link Ref}s: superblock →
 *     inode table → inode record → file tree → data. Directories, symbolic links, sizes, times and
 *     link counts live inside this tree, so they are as protected as file data.
 * <li>Commit is copy-on-write: changed blocks go to free places, the store is synced, then the
 *     superblock with version+1 is written to the other slot and synced. A crash at any point
 *     leaves the last synced superblock and everything it covers intact; opening takes the valid
 *     slot with the highest version. {@code FileHandle.sync} commits; with {@code commitEagerly}
 *     (the default) so do every change of names and the close of a handle that wrote, so what
 *     they acknowledged survives. Building an image turns it off and commits once.
 * <li>A version older than {@link Freshness} knows is a rollback and is refused; a block that does
 *     not authenticate gives EIO and one security log line naming the volume and the block.
 * </ul>
 *
 * <p>Locking: one lock {@link #mu} guards the whole volume (every node, the allocator, the cache
 * and the store), so several handles and writers on one file see one state, as on Linux.
 */
public final class EncFs implements FileSystem, AutoCloseable {
    static final int BLOCK = BlockStore.BLOCK_SIZE;
    static final byte[] MAGIC = "ARCAVOL1".getBytes(StandardCharsets.US_ASCII);
    static final int RECORD = 128;
    static final int HEADER = 52;
    static final int BODY = 80;
    static final byte MODE_ENCRYPTED = 1, MODE_INTEGRITY = 2;
    static final long ROOT_INO = 1;
    /** Changed data kept in memory before it is sealed to the store (no commit needed for that). */
    static final int DIRTY_LIMIT = 4096; // blocks: 16 MiB
    static final int CACHE_LIMIT = 4096;

    /**
     * How a volume is opened.
     *
     * @param securityLog takes one line ("volume NAME: where: what") per block or superblock that
     *     fails its check; the caller's diagnostics sink adds its own prefix
     */
    public record Options(LongSupplier clock, Consumer<String> securityLog, Freshness freshness,
            boolean readOnly, boolean commitEagerly, long maxBlocks) {
        public static Options defaults(LongSupplier clock) {
            return new Options(clock, line -> DiagnosticSink.STDERR.emit(DiagnosticSink.Kind.SECURITY, line), Freshness.inMemory(), false, true, Long.MAX_VALUE);
        }

        public Options withReadOnly(boolean ro) {
            return new Options(clock, securityLog, freshness, ro, commitEagerly, maxBlocks);
        }

        public Options withFreshness(Freshness f) {
            return new Options(clock, securityLog, f, readOnly, commitEagerly, maxBlocks);
        }

        public Options withSecurityLog(Consumer<String> log) {
            return new Options(clock, log, freshness, readOnly, commitEagerly, maxBlocks);
        }

        public Options withCommitEagerly(boolean s) {
            return new Options(clock, securityLog, freshness, readOnly, s, maxBlocks);
        }

        public Options withMaxBlocks(long m) {
            return new Options(clock, securityLog, freshness, readOnly, commitEagerly, m);
        }
    }

    final Object mu = new Object();
    final Options options;
    private final BlockStore store;
    private final Sealer sealer;
    private final byte mode;
    private final byte[] volumeId;
    private final byte[] keyCheck;
    private final String volumeName;

    // guarded by mu
    private long version;
    private final BitSet used = new BitSet();
    private final BitSet fresh = new BitSet(); // allocated since the last commit
    private final List<Long> freeAfterCommit = new ArrayList<>();
    final TreeMap<Long, EncNode> nodes = new TreeMap<>();
    private final TreeMap<Long, EncNode> changed = new TreeMap<>();
    private BlockTree table;
    private int dirtyBlocks;
    private final LinkedHashMap<BlockTree, Boolean> dirtyTrees = new LinkedHashMap<>();
    private final LinkedHashMap<CacheKey, byte[]> cache = new LinkedHashMap<>(256, 0.75f, true);
    private boolean changedSinceCommit;
    private boolean closed;
    private EncNode root;
    private long inodeHint = ROOT_INO + 1;

    private record CacheKey(BlockTree tree, long index) {}

    private EncFs(BlockStore store, Sealer sealer, byte mode, byte[] volumeId, byte[] keyCheck, Options options) {
        this.store = store;
        this.sealer = sealer;
        this.mode = mode;
        this.volumeId = volumeId;
        this.keyCheck = keyCheck;
        this.options = options;
        this.volumeName = store.name();
        used.set(0, 2);
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
            fs = new EncFs(store, new Sealer.Aead(key.blockKey(id), random), MODE_ENCRYPTED, id, key.check(id), options);
        } else {
            fs = new EncFs(store, new Sealer.Digest(), MODE_INTEGRITY, id, new byte[16], options);
        }
        synchronized (fs.mu) {
            fs.table = BlockTree.empty(fs, 0);
            fs.root = new EncNode(fs, ROOT_INO, Wasi.FILETYPE_DIRECTORY, BlockTree.empty(fs, ROOT_INO));
            long now = options.clock().getAsLong();
            fs.root.atime = fs.root.mtime = fs.root.ctime = now;
            fs.nodes.put(ROOT_INO, fs.root);
            fs.markChanged(fs.root);
            if (key != null) fs.commit();
        }
        return fs;
    }

    /**
     * Opens a volume: picks the valid superblock with the highest version, refuses it if it is
     * older than {@link Freshness} knows, and checks the whole metadata tree. With {@code key ==
     * null} the store must be an integrity-only image ({@code expectedRoot}, if not null, is its
     * root hash). Errors: EIO (wrong key, damaged, tampered, rolled back), EBUSY.
     */
    public static EncFs open(BlockStore store, VolumeKey key, Consumer<byte[]> random, Options options,
            byte[] expectedRoot) throws ErrnoException {
        byte[][] slots = {new byte[BLOCK], new byte[BLOCK]};
        boolean[] present = {store.read(0, slots[0]), store.read(1, slots[1])};
        if (!present[0] && !present[1]) throw Errno.EIO.fail(store.name() + ": empty, not an Arca volume");
        byte[] hdr = null;
        for (int s = 0; s < 2; s++) {
            if (present[s] && Arrays.equals(slots[s], 0, 8, MAGIC, 0, 8)) hdr = slots[s];
        }
        if (hdr == null) throw Errno.EIO.fail(store.name() + ": not an Arca volume or image");
        byte mode = hdr[8];
        byte[] id = Arrays.copyOfRange(hdr, 16, 32);
        byte[] check = Arrays.copyOfRange(hdr, 32, 48);
        EncFs fs;
        if (mode == MODE_ENCRYPTED) {
            if (key == null) throw Errno.EACCES.fail(store.name() + ": an encrypted volume (give its key file)");
            if (!MessageDigest.isEqual(check, key.check(id))) throw Errno.EACCES.fail(store.name() + ": wrong key");
            fs = new EncFs(store, new Sealer.Aead(key.blockKey(id), random), mode, id, check, options);
        } else if (mode == MODE_INTEGRITY) {
            fs = new EncFs(store, new Sealer.Digest(), mode, id, check, options.withReadOnly(true));
        } else {
            throw Errno.EIO.fail(store.name() + ": unknown volume mode " + mode);
        }
        synchronized (fs.mu) {
            fs.mount(slots, present, expectedRoot);
        }
        return fs;
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

    private void mount(byte[][] slots, boolean[] present, byte[] expectedRoot) throws ErrnoException {
        ByteBuffer best = null;
        long bestVersion = -1;
        int bestSlot = -1;
        for (int s = 0; s < 2; s++) {
            if (!present[s]) continue;
            ByteBuffer body = openSuper(slots[s]);
            if (body == null) continue;
            long v = body.getLong(0);
            if (v > bestVersion) {
                best = body;
                bestVersion = v;
                bestSlot = s;
            }
        }
        if (best == null) throw security("superblock", "no superblock authenticates");
        if (expectedRoot != null && !MessageDigest.isEqual(expectedRoot, rootHash(slots[bestSlot]))) {
            throw security("superblock", "root hash differs from the one expected");
        }
        long known = mode == MODE_ENCRYPTED ? options.freshness().known(volumeId) : -1;
        if (bestVersion < known) {
            throw security("superblock", "version " + bestVersion + " is older than the committed version " + known + " (rollback)");
        }
        version = bestVersion;
        best.position(8);
        Ref tableRoot = Ref.get(best);
        int tableHeight = best.get();
        long tableBlocks = best.getLong();
        table = BlockTree.load(this, 0, tableRoot, tableHeight, tableBlocks);
        loadInodes();
        if (mode == MODE_ENCRYPTED && bestVersion > known) options.freshness().advance(volumeId, bestVersion);
    }

    private void loadInodes() throws ErrnoException {
        long records = table.blocks() * (BLOCK / RECORD);
        for (long ino = 1; ino < records; ino++) {
            byte[] blk = table.read(ino * RECORD / BLOCK);
            ByteBuffer b = ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
            byte type = b.get();
            if (type == 0) continue;
            int height = b.get();
            b.getShort();
            long links = b.getInt() & 0xFFFFFFFFL;
            long size = b.getLong();
            long atime = b.getLong(), mtime = b.getLong(), ctime = b.getLong();
            Ref r = Ref.get(b);
            long nblocks = (size + BLOCK - 1) / BLOCK;
            if (size < 0) throw damaged("inode " + ino + ": negative size");
            EncNode n = new EncNode(this, ino, type, BlockTree.load(this, ino, r, height, nblocks));
            n.links = links;
            n.size = size;
            n.atime = atime;
            n.mtime = mtime;
            n.ctime = ctime;
            nodes.put(ino, n);
        }
        root = nodes.get(ROOT_INO);
        if (root == null || root.type != Wasi.FILETYPE_DIRECTORY) throw damaged("no root directory");
        for (EncNode n : nodes.values()) n.loadContent();
        for (EncNode n : new ArrayList<>(nodes.values())) {
            if (n.type != Wasi.FILETYPE_DIRECTORY && n.links == 0) n.destroy(); // orphan of a crash
        }
    }

    // ---- superblock ------------------------------------------------------------------------

    private byte[] header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).put(mode).put(new byte[7]).put(volumeId).put(keyCheck).putInt(BODY);
        return h.array();
    }

    private ByteBuffer openSuper(byte[] slot) {
        if (!Arrays.equals(slot, 0, 8, MAGIC, 0, 8)) return null;
        byte[] hdr = Arrays.copyOf(slot, HEADER);
        if (!Arrays.equals(hdr, header())) return null;
        if (sealer instanceof Sealer.Aead aead) {
            byte[] body = aead.openRecord(Arrays.copyOfRange(slot, HEADER, HEADER + 12 + BODY + 16), hdr);
            return body == null || body.length != BODY ? null : ByteBuffer.wrap(body);
        }
        byte[] body = Arrays.copyOfRange(slot, HEADER, HEADER + BODY);
        byte[] sum = Arrays.copyOfRange(slot, HEADER + BODY, HEADER + BODY + 32);
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(hdr);
        sha.update(body);
        return MessageDigest.isEqual(sha.digest(), sum) ? ByteBuffer.wrap(body) : null;
    }

    private byte[] sealSuper(long v) {
        ByteBuffer body = ByteBuffer.allocate(BODY);
        body.putLong(v);
        Ref.putNullable(body, table.root());
        body.put((byte) table.height());
        body.putLong(table.blocks());
        byte[] hdr = header();
        byte[] slot = new byte[BLOCK];
        System.arraycopy(hdr, 0, slot, 0, HEADER);
        if (sealer instanceof Sealer.Aead aead) {
            byte[] sealed = aead.sealRecord(body.array(), hdr);
            System.arraycopy(sealed, 0, slot, HEADER, sealed.length);
        } else {
            MessageDigest sha = Sealer.Digest.sha256();
            sha.update(hdr);
            sha.update(body.array());
            System.arraycopy(body.array(), 0, slot, HEADER, BODY);
            System.arraycopy(sha.digest(), 0, slot, HEADER + BODY, 32);
        }
        return slot;
    }

    private static byte[] rootHash(byte[] slot) {
        MessageDigest sha = Sealer.Digest.sha256();
        sha.update(slot, 0, HEADER + BODY);
        return sha.digest();
    }

    /** SHA-256 over the committed superblock's header and body: an image's identity. */
    public byte[] rootHash() {
        synchronized (mu) {
            return rootHash(sealSuperForHash());
        }
    }

    private byte[] sealSuperForHash() {
        if (mode != MODE_INTEGRITY) throw new IllegalStateException("only integrity-only images have a root hash");
        return sealSuper(version);
    }

    public long version() {
        synchronized (mu) {
            return version;
        }
    }

    public boolean encrypted() {
        return mode == MODE_ENCRYPTED;
    }

    // ---- commit ----------------------------------------------------------------------------

    /** Makes every change durable and atomic (see the class comment). Errors: ENOSPC, EIO. */
    public void commit() throws ErrnoException {
        synchronized (mu) {
            if (!changedSinceCommit) return;
            if (options.readOnly() && mode == MODE_ENCRYPTED) return;
            for (EncNode n : changed.values()) n.storeContent();
            while (!changed.isEmpty()) {
                EncNode n = changed.firstEntry().getValue();
                n.tree.flushData();
                n.tree.commitIndex();
                writeRecord(n.ino, n);
                changed.pollFirstEntry();
            }
            flushAllData(); // objects freed since: nothing; the table
            table.flushData();
            table.commitIndex();
            store.sync();
            long next = version + 1;
            store.write(next % 2, sealSuper(next));
            store.sync();
            version = next;
            for (long b : freeAfterCommit) used.clear((int) b);
            freeAfterCommit.clear();
            fresh.clear();
            changedSinceCommit = false;
            if (mode == MODE_ENCRYPTED) options.freshness().advance(volumeId, next);
        }
    }

    /** Requires mu. Writes the inode record of {@code n}, or a free record when {@code n} is null. */
    private void writeRecord(long ino, EncNode n) throws ErrnoException {
        long bi = ino * RECORD / BLOCK;
        if (table.blocks() <= bi) table.resize(bi + 1);
        byte[] blk = table.read(bi).clone();
        ByteBuffer b = ByteBuffer.wrap(blk, (int) (ino * RECORD % BLOCK), RECORD);
        if (n == null || n.destroyed) {
            b.put(new byte[RECORD]);
        } else {
            b.put(n.type).put((byte) n.tree.height()).putShort((short) 0).putInt((int) n.links).putLong(n.size)
                    .putLong(n.atime).putLong(n.mtime).putLong(n.ctime);
            Ref.putNullable(b, n.tree.root());
            b.put(new byte[RECORD - 88]);
        }
        table.write(bi, blk);
    }

    @Override
    public void close() throws ErrnoException {
        synchronized (mu) {
            if (closed) return;
            try {
                commit();
            } finally {
                closed = true;
                store.close();
            }
        }
    }

    // ---- allocation, I/O and cache (all require mu) -----------------------------------------

    void markChanged(EncNode n) {
        if (n.destroyed) return;
        changed.put(n.ino, n);
        changedSinceCommit = true;
    }

    void checkOpen() throws ErrnoException {
        if (closed) throw Errno.EIO.fail(volumeName + ": unmounted");
    }

    /** The additional data that binds a sealed block to its place. */
    byte[] context(long ino, int level, long index) {
        return ByteBuffer.allocate(16 + 8 + 1 + 8).put(volumeId).putLong(ino).put((byte) level).putLong(index).array();
    }

    /** Marks a referenced block as used while the tree is loaded. */
    void claim(Ref r, long ino, int level, long index) throws ErrnoException {
        if (r.block() < 2 || r.block() >= Integer.MAX_VALUE) throw security(r.block(), ino, level, index, "reference out of range");
        used.set((int) r.block());
    }

    long allocate() throws ErrnoException {
        int b = used.nextClearBit(2);
        if (b >= options.maxBlocks()) throw Errno.ENOSPC.fail(volumeName + ": volume is full");
        used.set(b);
        fresh.set(b);
        return b;
    }

    /** Frees a block no longer referenced by the working tree (at once if no commit refers to it). */
    void release(Ref r) {
        if (r == null) return;
        int b = (int) r.block();
        if (fresh.get(b)) {
            fresh.clear(b);
            used.clear(b);
        } else {
            freeAfterCommit.add((long) b);
        }
    }

    Ref writeSealed(byte[] plain, byte[] context) throws ErrnoException {
        if (options.readOnly() && mode == MODE_ENCRYPTED) throw Errno.EROFS.fail();
        long b = allocate();
        byte[] stored = new byte[BLOCK];
        byte[] auth = sealer.seal(plain, context, stored);
        try {
            store.write(b, stored);
        } catch (ErrnoException e) {
            fresh.clear((int) b);
            used.clear((int) b);
            throw e;
        }
        return new Ref(b, auth);
    }

    void readVerified(Ref r, byte[] context, byte[] plain, long ino, int level, long index) throws ErrnoException {
        byte[] stored = new byte[BLOCK];
        if (!store.read(r.block(), stored)) throw security(r.block(), ino, level, index, "missing (volume truncated)");
        if (!sealer.open(stored, r.auth(), context, plain)) throw security(r.block(), ino, level, index, "failed authentication");
    }

    byte[] cachedRead(BlockTree t, long index, Ref r) throws ErrnoException {
        CacheKey k = new CacheKey(t, index);
        byte[] hit = cache.get(k);
        if (hit != null) return hit;
        byte[] plain = new byte[BLOCK];
        readVerified(r, t.context(0, index), plain, t.ino, 0, index);
        putCache(k, plain);
        return plain;
    }

    private void putCache(CacheKey k, byte[] plain) {
        cache.put(k, plain);
        if (cache.size() > CACHE_LIMIT) {
            var it = cache.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    void cleaned(BlockTree t, long index, byte[] plain) {
        dirtyBlocks--;
        putCache(new CacheKey(t, index), plain);
    }

    void noteDirtyData(BlockTree t, long index) {
        dirtyTrees.put(t, Boolean.TRUE);
        dirtyBlocks++;
        cache.remove(new CacheKey(t, index));
        changedSinceCommit = true;
    }

    void forgetDirty(BlockTree t, long index) {
        dirtyBlocks--;
    }

    void forgetCached(BlockTree t, long from, long to) {
        if (to - from > cache.size()) {
            cache.keySet().removeIf(k -> k.tree == t && k.index >= from && k.index < to);
        } else {
            for (long i = from; i < to; i++) cache.remove(new CacheKey(t, i));
        }
    }

    /** Seals dirty data once too much is held in memory; the committed tree is not touched. */
    void relieve() throws ErrnoException {
        if (dirtyBlocks > DIRTY_LIMIT) flushAllData();
    }

    private void flushAllData() throws ErrnoException {
        for (BlockTree t : new ArrayList<>(dirtyTrees.keySet())) {
            t.flushData();
            dirtyTrees.remove(t);
        }
    }

    // ---- errors ----------------------------------------------------------------------------

    ErrnoException security(long block, long ino, int level, long index, String what) {
        String where = "block " + block + " (" + (ino == 0 ? "inode table" : "inode " + ino) + ", level " + level + ", index " + index + ")";
        return security(where, what);
    }

    ErrnoException security(String where, String what) {
        options.securityLog().accept("volume " + volumeName + ": " + where + ": " + what);
        return Errno.EIO.fail(volumeName + ": " + where + ": " + what);
    }

    ErrnoException damaged(String what) {
        return security("metadata", what);
    }

    long now() {
        return options.clock().getAsLong();
    }

    void checkWritable() throws ErrnoException {
        if (options.readOnly()) throw Errno.EROFS.fail();
    }

    /** Requires mu. Commits after a change of names when the volume is mounted with that option. */
    void namespaceChanged() throws ErrnoException {
        if (options.commitEagerly()) commit();
    }

    long allocateInode() {
        long ino = Math.max(ROOT_INO + 1, inodeHint);
        while (nodes.containsKey(ino)) ino++;
        inodeHint = ino + 1;
        return ino;
    }

    void forget(EncNode n) throws ErrnoException {
        nodes.remove(n.ino);
        changed.remove(n.ino);
        inodeHint = Math.min(inodeHint, n.ino);
        writeRecord(n.ino, null);
        changedSinceCommit = true;
    }

    // ---- FileSystem --------------------------------------------------------------------------

    @Override
    public Node root() {
        return root;
    }

    @Override
    public String type() {
        return mode == MODE_ENCRYPTED ? "encfs" : "image";
    }

    @Override
    public boolean readOnly() {
        return options.readOnly();
    }

    public String name() {
        return volumeName;
    }

    /** For tests and the image tools: blocks in use by the working tree. */
    public int blocksInUse() {
        synchronized (mu) {
            return used.cardinality();
        }
    }

    /** For tests: the blocks the working tree uses. */
    BitSet usedBlocks() {
        synchronized (mu) {
            return (BitSet) used.clone();
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

}
