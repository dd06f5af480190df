package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * The untrusted {@link BlockStore} seen through the {@link Sealer}: the only way blocks other than
 * the superblock reach or leave the host.
 *
 * <p>Contract: {@link #write} seals a block to a place newly taken from the {@link Allocator} and
 * returns the {@link Ref} its parent keeps; {@link #read} opens the block a reference names and
 * checks it, or reports tampering (one security line, EIO). A block's context (additional data)
 * is the volume id and the block's logical place, so a valid block moved to another place fails
 * its check. Not thread-safe: the volume calls it under its lock.
 */
final class SealedStore {
    static final int BLOCK = BlockStore.BLOCK_SIZE;

    private final BlockStore store;
    private final Sealer sealer;
    private final Allocator allocator;
    private final SecurityLog log;
    private final byte[] volumeId;
    private final boolean refuseWrites;

    /** @param refuseWrites a read-only encrypted volume: any write is a bug, refused with EROFS */
    SealedStore(BlockStore store, Sealer sealer, Allocator allocator, SecurityLog log, byte[] volumeId, boolean refuseWrites) {
        this.store = store;
        this.sealer = sealer;
        this.allocator = allocator;
        this.log = log;
        this.volumeId = volumeId;
        this.refuseWrites = refuseWrites;
    }

    SecurityLog log() {
        return log;
    }

    /** The additional data that binds a sealed block to its place. */
    byte[] context(long ino, int level, long index) {
        return ByteBuffer.allocate(16 + 8 + 1 + 8).put(volumeId).putLong(ino).put((byte) level).putLong(index).array();
    }

    /** Seals {@code plain} to a new place. Errors: ENOSPC, EIO, EROFS. */
    Ref write(byte[] plain, byte[] context) throws ErrnoException {
        if (refuseWrites) throw Errno.EROFS.fail();
        long b = allocator.allocate();
        byte[] stored = new byte[BLOCK];
        byte[] auth = sealer.seal(plain, context, stored);
        try {
            store.write(b, stored);
        } catch (ErrnoException e) {
            allocator.unallocate(b);
            throw e;
        }
        return new Ref(b, auth);
    }

    /** Opens the block {@code r} names into {@code plain}; ino, level and index name it in a report. */
    void read(Ref r, byte[] context, byte[] plain, long ino, int level, long index) throws ErrnoException {
        byte[] stored = new byte[BLOCK];
        if (!store.read(r.block(), stored)) throw log.tampered(r.block(), ino, level, index, "missing (volume truncated)");
        if (!sealer.open(stored, r.auth(), context, plain)) throw log.tampered(r.block(), ino, level, index, "failed authentication");
    }

    /** Marks a block the committed tree refers to as used (at mount), checking its range. */
    void claim(Ref r, long ino, int level, long index) throws ErrnoException {
        if (r.block() < 2 || r.block() >= Integer.MAX_VALUE) throw log.tampered(r.block(), ino, level, index, "reference out of range");
        allocator.claim(r.block());
    }

    /** The working tree no longer refers to {@code r} (null: a hole, nothing to free). */
    void release(Ref r) {
        if (r != null) allocator.release(r.block());
    }
}
