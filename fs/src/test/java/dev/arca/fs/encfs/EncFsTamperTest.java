package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static dev.arca.fs.encfs.Vol.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tamper matrix: bytes flipped in every block (data, index blocks holding the MACs, inode
 * table, directories, superblocks), blocks swapped, the volume truncated, old blocks replayed,
 * the newest superblock destroyed, and the whole volume rolled back. Each must give EIO (with a
 * security log line) or, for blocks the volume no longer uses, change nothing; wrong data is
 * never returned.
 */
class EncFsTamperTest {
    private MemStore store;
    private Freshness fresh;
    private TreeMap<String, String> expected;
    private BitSet used;

    @BeforeEach
    void build() throws ErrnoException {
        store = new MemStore();
        fresh = Freshness.inMemory();
        EncFs fs = Vol.create(store, fresh);
        fs.root().createDirectory("dir");
        byte[] big = new byte[400_000]; // a file with a two-level tree
        Vol.random(big);
        write(at(fs, "dir").createFile("big", true), 0, big);
        write(fs.root().createFile("small", true), 0, "small file");
        fs.root().createSymlink("link", "dir/big");
        fs.close();
        EncFs again = Vol.open(store, fresh);
        expected = Vol.snapshot(again);
        used = again.usedBlocks();
        again.close();
    }

    /** Opens and reads everything: null when it gives exactly the expected state, else the EIO. */
    private ErrnoException outcome(MemStore disk, String what) {
        int logBefore = Vol.LOG.size();
        try {
            EncFs fs = Vol.open(disk, fresh);
            TreeMap<String, String> got = Vol.snapshot(fs);
            if (!got.equals(expected)) fail(what + ": wrong data returned: " + got);
            return null;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EIO) fail(what + ": " + e.getMessage());
            assertEquals(logBefore + 1, Vol.LOG.size(), what + ": one security line");
            String line = Vol.LOG.get(Vol.LOG.size() - 1);
            assertTrue(line.startsWith("volume mem: "), line);
            return e;
        }
    }

    private MemStore copy() {
        return store.copy();
    }

    @Test
    void flippedByteInEveryBlockIsDetected() {
        long n = store.size();
        for (long b = 0; b < n; b++) {
            for (int offset : new int[] {0, 60, 2048, 4095}) {
                MemStore disk = copy();
                byte[] blk = disk.durable.get(b);
                if (blk == null) continue;
                blk[offset] ^= 0x40;
                ErrnoException e = outcome(disk, "flip block " + b + " byte " + offset);
                boolean slot = b < 2;
                if (used.get((int) b) && !slot) {
                    assertTrue(e != null, "flip in used block " + b + " at " + offset + " went unnoticed");
                    assertTrue(e.getMessage().contains("block " + b) || e.getMessage().contains("superblock"), e.getMessage());
                }
            }
        }
    }

    @Test
    void newestSuperblockDestroyedIsARollback() throws ErrnoException {
        EncFs fs = Vol.open(store, fresh);
        long v = fs.version();
        fs.close();
        MemStore disk = copy();
        disk.durable.get(v % 2)[100] ^= 1;
        ErrnoException e = outcome(disk, "newest superblock");
        assertTrue(e != null && e.getMessage().contains("rollback"), String.valueOf(e));
    }

    @Test
    void swappedBlocksAreDetected() {
        List<Integer> blocks = new ArrayList<>();
        for (int b = used.nextSetBit(2); b >= 0; b = used.nextSetBit(b + 1)) blocks.add(b);
        for (int i = 0; i < blocks.size(); i++) {
            for (int j = i + 1; j < blocks.size(); j += Math.max(1, blocks.size() / 8)) {
                MemStore disk = copy();
                long x = blocks.get(i), y = blocks.get(j);
                byte[] t = disk.durable.get(x);
                disk.durable.put(x, disk.durable.get(y));
                disk.durable.put(y, t);
                assertTrue(outcome(disk, "swap " + x + "," + y) != null, "swap " + x + " and " + y + " went unnoticed");
            }
        }
    }

    @Test
    void truncatedVolumeIsDetected() {
        long n = store.size();
        for (long keep = n - 1; keep >= 0; keep -= 3) {
            MemStore disk = copy();
            final long k = keep;
            disk.durable.keySet().removeIf(b -> b >= k);
            ErrnoException e = outcome(disk, "truncate to " + keep);
            if (used.nextSetBit((int) keep) >= 0) assertTrue(e != null, "truncation to " + keep + " blocks went unnoticed");
        }
    }

    @Test
    void replayedBlocksAndRolledBackVolumeAreDetected() throws ErrnoException {
        MemStore old = copy();
        EncFs fs = Vol.open(store, fresh);
        write(fs.root().lookup("small"), 0, "SMALL FILE");
        write(at(fs, "dir/big"), 1000, new byte[] {1, 2, 3});
        fs.close();
        EncFs now = Vol.open(store, fresh);
        expected = Vol.snapshot(now);
        BitSet nowUsed = now.usedBlocks();
        now.close();
        int replays = 0;
        for (var e : old.durable.entrySet()) {
            byte[] cur = store.durable.get(e.getKey());
            if (cur == null || java.util.Arrays.equals(cur, e.getValue())) continue;
            MemStore disk = copy();
            disk.durable.put(e.getKey(), e.getValue().clone());
            ErrnoException err = outcome(disk, "replay block " + e.getKey());
            // an older superblock in the slot that is not the newest is ignored, harmlessly
            if (nowUsed.get((int) (long) e.getKey()) && e.getKey() >= 2) {
                assertTrue(err != null, "replay of block " + e.getKey() + " went unnoticed");
            }
            replays++;
        }
        assertTrue(replays > 0);
        // the whole volume as it was one version ago
        ErrnoException e = outcome(old, "rollback of the whole volume");
        assertTrue(e != null && e.getMessage().contains("rollback"), String.valueOf(e));
    }
}
