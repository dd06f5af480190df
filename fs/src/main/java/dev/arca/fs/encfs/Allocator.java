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
 * are always in use. Free space is stored ({@link SpaceMap}): at mount the map's blocks are
 * {@link #claimAll}ed, then each tree the volume loads {@link #claim}s its blocks, which must be
 * in the map; a volume without a map (the format before 2026-12-05) claims every reference of
 * its tree at mount. Not thread-safe: the volume calls it under its lock.
 *
 * <p>Space goes back to the host ({@link #giveBack}), after a commit: the store is cut after its
 * highest block in use, and once enough blocks were freed, runs of at least {@code minRun} free
 * blocks below it are discarded (holes punched), each once until it is allocated again. Only blocks no
 * durable version refers to are free (the contract above), so nothing a mount could need is ever
 * given back.
 *
 * <p>Today a bitmap in memory, one bit per block of the store, searched from the lowest free
 * block; a volume that must scale further replaces this part alone (a free-extent tree).
 */
final class Allocator {
    private final BitSet used = new BitSet();
    private final BitSet fresh = new BitSet(); // allocated since the last commit
    private final List<Long> freeAfterCommit = new ArrayList<>();
    private final long maxBlocks;
    private final String volume;
    /** No block below this is free: the search starts here (a scan from block 2 at every allocation made writing a large file quadratic). */
    private int lowestFree = 2;
    private final BitSet givenBack = new BitSet(); // free blocks whose space went back to the host
    private long end = 2; // the store's end in blocks, as far as this volume made it or found it
    private long freedSinceGiveBack; // blocks freed since the last pass of giveBack

    /** @param maxBlocks the store's size limit in blocks (ENOSPC beyond) */
    Allocator(long maxBlocks, String volume) {
        this.maxBlocks = maxBlocks;
        this.volume = volume;
        used.set(0, 2);
    }

    /** Whether claims must find their block in use already (a stored map was claimed). */
    private boolean mapped;

    /**
     * Marks a block the committed tree refers to as used (at mount, or when a tree is loaded; the
     * caller checked its range). Returns false when a stored map said the block was free: the map
     * is wrong, and the block must not be handed out.
     */
    boolean claim(long block) {
        if (mapped && !used.get((int) block)) return false;
        used.set((int) block);
        end = Math.max(end, block + 1);
        return true;
    }

    /** Marks every block of a stored map as used (at mount, before any tree but the map's and the table's is loaded). */
    void claimAll(BitSet blocks) {
        used.or(blocks);
        end = Math.max(end, used.length());
        mapped = true;
    }

    /** The blocks the version being committed refers to (in use, less those only the last commit used): a copy. */
    BitSet committing() {
        BitSet b = (BitSet) used.clone();
        for (long x : freeAfterCommit) b.clear((int) x);
        b.clear(0, 2);
        return b;
    }

    /**
     * At mount, once every block in use is claimed: the store ends at {@code storeBlocks} (-1:
     * unknown), and the free blocks below that count as freed, so the first commit gives back
     * what the last session left.
     */
    void mounted(long storeBlocks) {
        end = Math.max(end, storeBlocks);
        freedSinceGiveBack = Math.max(0, end - used.cardinality());
    }

    /** A free block, now used. Errors: ENOSPC when the volume has no block left. */
    long allocate() throws ErrnoException {
        int b = used.nextClearBit(lowestFree);
        lowestFree = b;
        if (b >= maxBlocks) throw Errno.ENOSPC.fail(volume + ": volume is full");
        used.set(b);
        lowestFree = b + 1;
        fresh.set(b);
        givenBack.clear(b);
        end = Math.max(end, b + 1L);
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
            freedSinceGiveBack++;
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
        freedSinceGiveBack += freeAfterCommit.size();
        freeAfterCommit.clear();
        fresh.clear();
    }

    /**
     * After a commit is durable ({@code minRun} 0: never): cuts the store after its highest block
     * in use when at least {@code minRun} blocks lie past it; and when at least {@code minRun}
     * blocks were freed since the last pass, discards every run of at least {@code minRun} free
     * blocks below it not given back yet (one pass reads the bitmap once).
     */
    void giveBack(BlockStore store, int minRun) throws ErrnoException {
        if (minRun <= 0) return;
        int top = used.length(); // one past the highest block in use (the superblock slots at least)
        if (end - top >= minRun) {
            store.shrink(top);
            end = top;
            givenBack.clear(top, Integer.MAX_VALUE);
        }
        if (freedSinceGiveBack < minRun) return;
        freedSinceGiveBack = 0;
        for (int b = used.nextClearBit(2); b < top; ) {
            int e = used.nextSetBit(b); // a run [b, e) of free blocks; e <= top - 1 since top - 1 is used
            if (e - b >= minRun && givenBack.nextClearBit(b) < e) {
                store.discard(b, e - b);
                givenBack.set(b, e);
            }
            b = used.nextClearBit(e);
        }
    }

    int inUse() {
        return used.cardinality();
    }

    BitSet snapshot() {
        return (BitSet) used.clone();
    }
}
