package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;
import java.util.TreeMap;

/**
 * The changes made since the last commit, and the commit that makes them all durable at once.
 *
 * <p>A commit: each changed directory's entries into its content; for each changed inode, its
 * dirty data sealed to new blocks, its index blocks rewritten bottom-up, its record written;
 * every other dirty block sealed; the {@link SpaceMap}; the inode table's data and index likewise; the store ordered
 * (synced: {@link BlockStore#order}); the superblock with version + 1 written to the other slot;
 * the store synced again and the {@link Freshness} record advanced ({@link BlockStore#commit}:
 * one step for a replicated volume). Only then do the blocks the previous version used and this
 * one does not become free; a commit whose last step fails frees nothing and is made again by
 * the next one. A crash anywhere before the second sync leaves the previous
 * superblock and everything it covers as they were (copy-on-write, see {@link Allocator}); a torn
 * superblock fails its check and the other slot is used.
 *
 * <p>A <em>listed</em> commit (an encrypted volume on a store whose order is a sync, when at most
 * {@link Superblock#MAX_LISTED} blocks were written since the last sync, as for a create or a
 * small write: {@link WriteList}) skips the first sync: its superblock names those blocks and a
 * digest of their bytes, and the one sync of {@link BlockStore#commit} makes all of it durable.
 * A crash before that sync may leave the superblock without some of its blocks; a mount that
 * does not know the version as committed checks the listed blocks and, when they differ, takes
 * the slot before it (the commit never returned). So a create costs two syncs, not three.
 *
 * <p>The order of writes is part of the format's promise that the same changes give the same
 * image (integrity-only images are deterministic), so it is fixed: inodes in number order.
 * Not thread-safe: the volume calls it under its lock.
 */
final class Commit {
    private final BlockStore store;
    private final WriteList listing; // the store, when a small commit lists its blocks instead of ordering them; or null
    private final Superblock superblock;
    private final Allocator allocator;
    private final BlockCache cache;
    private final InodeTable inodes;
    private final Freshness freshness; // null: no rollback protection (an image)
    private final byte[] volumeId;
    private final boolean nothingToWrite; // a read-only encrypted volume
    private final TreeMap<Long, EncNode> changed = new TreeMap<>();
    private boolean pending;
    private long version;
    private final int giveBackBlocks;
    private final SecurityLog log;
    private final java.util.function.LongFunction<BlockTree> emptyTree;
    private long spaceMap; // the space map's inode: 0 until the first commit of a volume that had none
    private BlockTree spaceTree;

    Commit(BlockStore store, Superblock superblock, Allocator allocator, BlockCache cache, InodeTable inodes,
            Freshness freshness, byte[] volumeId, boolean nothingToWrite, long version, int giveBackBlocks, SecurityLog log,
            java.util.function.LongFunction<BlockTree> emptyTree, long spaceMap, BlockTree spaceTree) {
        this.store = store;
        this.listing = store instanceof WriteList w ? w : null;
        this.superblock = superblock;
        this.allocator = allocator;
        this.cache = cache;
        this.inodes = inodes;
        this.freshness = freshness;
        this.volumeId = volumeId;
        this.nothingToWrite = nothingToWrite;
        this.version = version;
        this.giveBackBlocks = giveBackBlocks;
        this.log = log;
        this.emptyTree = emptyTree;
        this.spaceMap = spaceMap;
        this.spaceTree = spaceTree;
    }

    /** For tests: the blocks of the space map's tree. */
    void forEachSpaceMapBlock(java.util.function.LongConsumer f) {
        if (spaceTree != null) spaceTree.forEachBlock(f);
    }

    /** The space map's inode number (0: the volume has none yet). */
    long spaceMap() {
        return spaceMap;
    }

    /** The version of the last commit. */
    long version() {
        return version;
    }

    /** {@code n}'s record or content changed (nothing for an inode already freed). */
    void note(EncNode n) {
        if (n.released()) return;
        changed.put(n.inode(), n);
        n.changedSinceCommit = true;
        pending = true;
    }

    /** Whether {@code n} changed since the last commit. */
    boolean changed(EncNode n) {
        return n.changedSinceCommit;
    }

    /** Inode {@code ino} was freed: its zeroed record is in the table already. */
    void freed(long ino) {
        changed.remove(ino);
        pending = true;
    }

    /** Makes every change durable and atomic (see the class comment). Errors: ENOSPC, EIO. */
    void run() throws ErrnoException {
        if (!pending || nothingToWrite) return;
        for (EncNode n : changed.values()) n.storeEntries();
        cache.drain(); // no write-behind batch in flight below what this commit makes durable
        while (!changed.isEmpty()) {
            EncNode n = changed.firstEntry().getValue();
            n.content.flushData();
            n.content.commitIndex();
            inodes.write(n);
            changed.pollFirstEntry();
            n.changedSinceCommit = false;
        }
        cache.sealAll();
        if (spaceMap == 0) {
            spaceMap = inodes.allocate();
            spaceTree = emptyTree.apply(spaceMap);
        }
        SpaceMap.store(inodes, spaceMap, spaceTree, allocator); // after every other inode, before the table
        BlockTree table = inodes.tree();
        table.flushData();
        table.commitIndex();
        long next = version + 1;
        // the volume's first commit is ordered: cut short, it leaves no superblock, and the file counts as empty (new)
        long[] listed = listing == null || version == 0 ? null : listing.listed();
        Superblock.State state;
        if (listed != null) {
            state = new Superblock.State(next, table.root(), table.height(), table.blocks(), spaceMap, listed, listing.digest());
        } else {
            store.order();
            state = new Superblock.State(next, table.root(), table.height(), table.blocks(), spaceMap);
        }
        store.write(next % 2, superblock.seal(state));
        store.commit(freshness, volumeId, next); // durable, and the record advanced: only then is anything freed
        version = next;
        allocator.committed();
        pending = false;
        try {
            allocator.giveBack(store, giveBackBlocks); // after the commit is durable: only blocks nothing durable refers to
        } catch (ErrnoException e) {
            log.note("giving free space back to the host failed (the volume keeps it): " + e.getMessage());
        }
    }
}
