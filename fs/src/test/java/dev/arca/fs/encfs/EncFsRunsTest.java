package dev.arca.fs.encfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paths that move runs of blocks: read-ahead (a tampered block inside a run read ahead fails
 * the read that needs it, with its security line, and nothing else; blocks read ahead and then
 * rewritten read as written), write-behind (batches sealed by the writer thread while blocks are
 * written again, cut off and read, and sealed beside it by the writing thread), and runs long
 * enough to be sealed and opened on several threads.
 */
class EncFsRunsTest {
    private static final int B = BlockStore.BLOCK_SIZE;

    private final MemStore store = new MemStore();
    private final Freshness fresh = Freshness.inMemory();

    /** Block {@code i} of a test file: its number in every byte pair, so a wrong block shows; version 0 is zeros (a hole). */
    private static byte[] block(int i, int version) {
        byte[] b = new byte[B];
        if (version == 0) return b;
        for (int j = 0; j < B; j += 4) {
            b[j] = (byte) i;
            b[j + 1] = (byte) (i >> 8);
            b[j + 2] = (byte) version;
            b[j + 3] = (byte) 0x5a;
        }
        return b;
    }

    private static void writeBlock(FileHandle h, int i, int version) throws ErrnoException {
        assertEquals(B, h.write(ByteBuffer.wrap(block(i, version)), (long) i * B));
    }

    private static byte[] readBlocks(FileHandle h, long first, int n) throws ErrnoException {
        ByteBuffer dst = ByteBuffer.allocate(n * B);
        assertEquals(n * B, h.read(dst, first * B));
        return dst.array();
    }

    @Test
    void tamperedBlockInsideAReadAheadRunFailsOnlyTheReadThatNeedsIt() throws ErrnoException {
        EncFs fs = Vol.create(store, fresh);
        FileHandle w = fs.root().createFile("f", true).open(false, true);
        for (int i = 0; i < 64; i++) writeBlock(w, i, 1);
        w.close();
        long host = ((EncNode) fs.root().lookup("f")).content.dataRef(20).block();
        fs.close();
        store.durable.get(host)[100] ^= 1;

        EncFs again = Vol.open(store, fresh);
        FileHandle r = again.root().lookup("f").open(true, false);
        int logBefore = Vol.LOG.size();
        // sequential 8 KiB reads: from the second on, each miss reads up to 1 MiB ahead, past block 20
        for (int i = 0; i < 20; i += 2) {
            byte[] got = readBlocks(r, i, 2);
            assertArrayEquals(block(i, 1), Arrays.copyOfRange(got, 0, B), "block " + i);
            assertArrayEquals(block(i + 1, 1), Arrays.copyOfRange(got, B, 2 * B), "block " + (i + 1));
        }
        assertEquals(logBefore, Vol.LOG.size(), "reading ahead over the tampered block reports nothing yet");
        ErrnoException e = assertThrows(ErrnoException.class, () -> readBlocks(r, 20, 2));
        assertEquals(Errno.EIO, e.errno());
        List<String> lines = Vol.LOG.subList(logBefore, Vol.LOG.size());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("block " + host + " (inode") && lines.get(0).contains("index 20)"), lines.get(0));
        // the blocks around it were read and checked; the tampered one fails every time it is needed
        assertArrayEquals(block(21, 1), readBlocks(r, 21, 1));
        assertArrayEquals(block(19, 1), readBlocks(r, 19, 1));
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> readBlocks(r, 18, 4)).errno());
        assertEquals(logBefore + 2, Vol.LOG.size());
        for (int i = 21; i < 64; i++) assertArrayEquals(block(i, 1), readBlocks(r, i, 1), "block " + i);
        r.close();
        again.close();
    }

    @Test
    void tamperedBlockDeepInASequentialReadFailsOnlyTheReadThatNeedsIt() throws ErrnoException {
        EncFs fs = Vol.create(store, fresh);
        FileHandle w = fs.root().createFile("f", true).open(false, true);
        int n = 900;
        for (int i = 0; i < n; i++) writeBlock(w, i, 1);
        w.close();
        int bad = 700; // inside the third run read ahead, not at its start
        long host = ((EncNode) fs.root().lookup("f")).content.dataRef(bad).block();
        fs.close();
        store.durable.get(host)[4000] ^= 0x10;

        EncFs again = Vol.open(store, fresh);
        FileHandle r = again.root().lookup("f").open(true, false);
        int logBefore = Vol.LOG.size();
        for (int i = 0; i < bad; i += 4) {
            byte[] got = readBlocks(r, i, 4);
            for (int j = 0; j < 4; j++) assertArrayEquals(block(i + j, 1), Arrays.copyOfRange(got, j * B, (j + 1) * B), "block " + (i + j));
        }
        assertEquals(logBefore, Vol.LOG.size(), "reading ahead over the tampered block reports nothing yet");
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, () -> readBlocks(r, bad, 4)).errno());
        assertEquals(logBefore + 1, Vol.LOG.size());
        assertTrue(Vol.LOG.get(logBefore).contains("index " + bad + ")"), Vol.LOG.get(logBefore));
        for (int i = bad + 1; i < n; i++) assertArrayEquals(block(i, 1), readBlocks(r, i, 1), "block " + i);
        r.close();
        again.close();
    }

    /**
     * Blocks read ahead, then written and sealed to new places, then pushed out of the (small)
     * cache, must read as written: never the content a run read ahead saw.
     */
    @Test
    void blocksWrittenWhileTheyAreReadAheadReadAsWritten() throws ErrnoException {
        EncFs fs = Vol.create(store, fresh);
        FileHandle w = fs.root().createFile("f", true).open(false, true);
        int n = 700;
        for (int i = 0; i < n; i++) writeBlock(w, i, 1);
        w.close();
        fs.close();
        EncFs again = EncFs.open(store, Vol.KEY, Vol::random, Vol.options(fresh).withCacheBlocks(64), null);
        FileHandle h = again.root().lookup("f").open(true, true);
        int[] version = new int[n];
        Arrays.fill(version, 1);
        for (int i = 0; i < 560; i += 32) {
            for (int at = i; at < i + 8; at += 4) { // the second read is sequential: a run from i + 4 on is read ahead
                byte[] got = readBlocks(h, at, 4);
                for (int j = 0; j < 4; j++) assertArrayEquals(block(at + j, version[at + j]), Arrays.copyOfRange(got, j * B, (j + 1) * B), "block " + (at + j));
            }
            int k = i + 24; // in the run read ahead
            version[k]++;
            writeBlock(h, k, version[k]);
            h.sync(false); // sealed to a new place
            for (int far = n - 1; far >= n - 80; far--) { // push it out of the cache of 64 blocks
                version[far]++;
                writeBlock(h, far, version[far]);
            }
            h.sync(false);
            assertArrayEquals(block(i + 8, version[i + 8]), readBlocks(h, i + 8, 1));
            assertArrayEquals(block(k, version[k]), readBlocks(h, k, 1), "block " + k + " read ahead before it was written");
        }
        for (int i = 0; i < n; i++) assertArrayEquals(block(i, version[i]), readBlocks(h, i, 1), "block " + i);
        h.close();
        again.close();
        EncFs last = Vol.open(store, fresh);
        FileHandle r = last.root().lookup("f").open(true, false);
        for (int i = 0; i < n; i++) assertArrayEquals(block(i, version[i]), readBlocks(r, i, 1), "block " + i);
        r.close();
        last.close();
    }

    @Test
    void writeBehindKeepsEveryWriteRewriteAndCut() throws ErrnoException {
        EncFs fs = EncFs.create(store, Vol.KEY, Vol::random, Vol.options(fresh).withCacheBlocks(16).withCommitEagerly(false));
        Node f = fs.root().createFile("f", true);
        FileHandle h = f.open(true, true);
        int n = 300;
        int[] version = new int[n];
        long writesBefore = store.writes;
        for (int i = 0; i < n; i += 4) {
            for (int j = i; j < i + 4; j++) {
                version[j] = j % 10 == 5 ? 0 : 1; // blocks of zeros become holes in a batch
                writeBlock(h, j, version[j]);
            }
            if (i >= 8) { // blocks a batch may hold right now
                version[i - 6] = 2 + i;
                writeBlock(h, i - 6, version[i - 6]);
            }
            if (i % 40 == 0 && i > 0) { // read what is in flight or sealed
                assertArrayEquals(block(i - 3, version[i - 3]), readBlocks(h, i - 3, 1));
            }
        }
        assertTrue(store.writes - writesBefore > n / 2, "written behind before any commit: " + (store.writes - writesBefore));
        h.truncate(200L * B); // cuts blocks that batches may still be writing
        for (int j = 200; j < 210; j++) {
            version[j] = 99;
            writeBlock(h, j, 99);
        }
        for (int j = 0; j < 210; j++) assertArrayEquals(block(j, version[j]), readBlocks(h, j, 1), "block " + j);
        h.sync(false);
        int inUse = fs.blocksInUse();
        h.close();
        fs.close();

        EncFs again = Vol.open(store, fresh);
        assertEquals(inUse, again.blocksInUse(), "no block leaked by a batch");
        FileHandle r = again.root().lookup("f").open(true, false);
        assertEquals(210L * B, r.size());
        byte[] all = readBlocks(r, 0, 210); // one read: a run opened on several threads
        for (int j = 0; j < 210; j++) assertArrayEquals(block(j, version[j]), Arrays.copyOfRange(all, j * B, (j + 1) * B), "block " + j);
        r.close();
        again.close();
    }

    @Test
    void longRunsSealAndOpenTheSameOnEveryThread() throws ErrnoException {
        EncFs fs = Vol.create(store, fresh);
        FileHandle h = fs.root().createFile("f", true).open(true, true);
        byte[] data = new byte[3000 * B + 123];
        Vol.random(data);
        assertEquals(data.length, h.write(ByteBuffer.wrap(data), 0));
        h.close();
        fs.close();
        EncFs again = Vol.open(store, fresh);
        assertArrayEquals(data, Vol.readAll(again.root().lookup("f")));
        // unaligned sequential reads across run boundaries
        FileHandle r = again.root().lookup("f").open(true, false);
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        while (dst.hasRemaining()) {
            ByteBuffer piece = dst.slice(dst.position(), Math.min(10_007, dst.remaining()));
            int got = r.read(piece, dst.position());
            dst.position(dst.position() + got);
        }
        assertArrayEquals(data, dst.array());
        r.close();
        again.close();
    }
}
