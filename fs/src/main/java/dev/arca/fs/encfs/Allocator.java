package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which blocks of the store are in use, kept so that commits can be copy-on-write.
 *
 * <p>Contract: a block the last commit refers to is never handed out again before the next commit
 * is durable ({@link #release} of such a block only schedules it; {@link #committed} frees it), so
 * the committed state on the host is never overwritten. A block allocated since the last commit
 * is referred to by nothing durable and is freed at once. Blocks 0 and 1 (the superblock slots)
 * are always in use. Free space is not stored: at mount every reference of the tree is {@link
 * #claim}ed. Not thread-safe: the volume calls it under its lock.
 *
 * <p>Today a bitmap in memory, one bit per block of the store, searched from the start; a volume
 * that must scale replaces this part alone (a free-extent tree, hole punching of freed runs).
 */
final class Allocator {
    private final BitSet used = new BitSet();
    private final BitSet fresh = new BitSet(); // allocated since the last commit
    private final List<Long> freeAfterCommit = new ArrayList<>();
    private final long maxBlocks;
    private final String volume;
    /** No block below this is free: the search starts here (a scan from block 2 at every allocation made writing a large file quadratic). */
    private int lowestFree = 2;

    /** @param maxBlocks the store's size limit in blocks (ENOSPC beyond) */
    Allocator(long maxBlocks, String volume) {
        this.maxBlocks = maxBlocks;
        this.volume = volume;
        used.set(0, 2);
    }

    /** Marks a block the committed tree refers to as used (at mount; the caller checked its range). */
    void claim(long block) {
        used.set((int) block);
    }

    /** A free block, now used. Errors: ENOSPC when the volume has no block left. */
    long allocate() throws ErrnoException {
        int b = used.nextClearBit(lowestFree);
        lowestFree = b;
        if (b >= maxBlocks) throw Errno.ENOSPC.fail(volume + ": volume is full");
        used.set(b);
        lowestFree = b + 1;
        fresh.set(b);
        return b;
    }

    /** Takes back a block just allocated whose write failed. */
    void unallocate(long block) {
        fresh.clear((int) block);
        used.clear((int) block);
        lowestFree = Math.min(lowestFree, (int) block);
    }

    /** The working tree no longer refers to {@code block}: free now, or after the next commit. */
    void release(long block) {
        int b = (int) block;
        if (fresh.get(b)) {
            fresh.clear(b);
            used.clear(b);
            lowestFree = Math.min(lowestFree, b);
        } else {
            freeAfterCommit.add(block);
        }
    }

    /** A commit is durable: what it no longer refers to is free, and nothing is fresh any more. */
    void committed() {
        for (long b : freeAfterCommit) {
            used.clear((int) b);
            lowestFree = Math.min(lowestFree, (int) b);
        }
        freeAfterCommit.clear();
        fresh.clear();
    }

    int inUse() {
        return used.cardinality();
    }

    BitSet snapshot() {
        return (BitSet) used.clone();
    }
}
