package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link BlockStore} that keeps, for the next commit, which blocks were written since its last
 * sync and a SHA-256 of what each last received, as long as they are at most
 * {@link Superblock#MAX_LISTED}. A commit that finds them listed names them in its superblock and
 * syncs once, after the superblock, instead of once before it and once after (see
 * {@link Commit}); past that many it orders the store as before. Hashing stops with the list, so
 * a large write pays for it on its first {@value Superblock#MAX_LISTED} blocks only.
 *
 * <p>A sync clears the list before it starts (a write that lands during it is listed for the next
 * commit as well, which costs nothing); a sync that fails leaves the list overflowed, so the next
 * commit orders the store. The superblock's slots are never listed. Any thread (the volume's
 * write-behind beside the caller).
 */
final class WriteList implements BlockStore {
    private final BlockStore store;
    private final MessageDigest sha = Sealer.Digest.sha256(); // guarded by this
    private TreeMap<Long, byte[]> written = new TreeMap<>(); // guarded by this; null: more than the list holds
    private long syncs; // the store's syncs and orders (tests count them)

    WriteList(BlockStore store) {
        this.store = store;
    }

    /** The blocks written since the last sync in ascending order, or null when there were too many. */
    synchronized long[] listed() {
        if (written == null) return null;
        long[] b = new long[written.size()];
        int i = 0;
        for (long k : written.keySet()) b[i++] = k;
        return b;
    }

    /** The digest of {@link #listed()} and their contents ({@link Superblock#digest}). */
    synchronized byte[] digest() {
        long[] b = listed();
        byte[][] h = written.values().toArray(new byte[0][]);
        return Superblock.digest(b, h);
    }

    /** How many times the store was synced or ordered through this. */
    synchronized long syncs() {
        return syncs;
    }

    private synchronized void note(long first, int count, byte[] src, int off) {
        if (written == null) return;
        for (int i = 0; i < count; i++) {
            long k = first + i;
            if (k < 2) continue; // a superblock slot: written after its list is made
            if (written.size() >= Superblock.MAX_LISTED && !written.containsKey(k)) {
                written = null;
                return;
            }
            sha.update(src, off + i * BLOCK_SIZE, BLOCK_SIZE);
            written.put(k, sha.digest());
        }
    }

    private synchronized void clear(boolean ok) {
        syncs++;
        written = ok ? new TreeMap<>() : null;
    }

    @Override
    public boolean read(long index, byte[] dst) throws ErrnoException {
        return store.read(index, dst);
    }

    @Override
    public int readRun(long first, int count, byte[] dst, int off) throws ErrnoException {
        return store.readRun(first, count, dst, off);
    }

    @Override
    public void write(long index, byte[] src) throws ErrnoException {
        note(index, 1, src, 0); // before the write: a block is never on the disk unlisted
        store.write(index, src);
    }

    @Override
    public void writeRun(long first, int count, byte[] src, int off) throws ErrnoException {
        note(first, count, src, off);
        store.writeRun(first, count, src, off);
    }

    @Override
    public boolean concurrent() {
        return store.concurrent();
    }

    /** A call on the store that syncs it. */
    private interface Syncing {
        void run() throws ErrnoException;
    }

    /** Starts a new list, then syncs; a sync that fails leaves the list overflowed (the next commit orders). */
    private void syncing(Syncing s) throws ErrnoException {
        clear(true);
        try {
            s.run();
        } catch (ErrnoException | RuntimeException e) {
            clear(false);
            throw e;
        }
    }

    @Override
    public void sync() throws ErrnoException {
        syncing(store::sync);
    }

    /** Passes the hint on; the list stays (the store may do nothing). One that fails overflows it, as a failed sync does. */
    @Override
    public void syncBehind() throws ErrnoException {
        try {
            store.syncBehind();
        } catch (ErrnoException | RuntimeException e) {
            synchronized (this) {
                written = null;
            }
            throw e;
        }
    }

    @Override
    public void order() throws ErrnoException {
        syncing(store::order);
    }

    @Override
    public void commit(Freshness freshness, byte[] volumeId, long version) throws ErrnoException {
        syncing(() -> store.commit(freshness, volumeId, version));
    }

    @Override
    public boolean syncOrders() {
        return store.syncOrders();
    }

    @Override
    public void discard(long first, long count) throws ErrnoException {
        store.discard(first, count);
    }

    @Override
    public void shrink(long blocks) throws ErrnoException {
        store.shrink(blocks);
    }

    @Override
    public long blocks() throws ErrnoException {
        return store.blocks();
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void close() {
        store.close();
    }

    /** For tests: the entries as listed now. */
    synchronized Map<Long, byte[]> entries() {
        return written == null ? null : Map.copyOf(written);
    }
}
