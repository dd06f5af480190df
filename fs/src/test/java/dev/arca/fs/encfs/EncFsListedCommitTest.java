package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A commit of few blocks lists them in its superblock and syncs once ({@link Commit}, {@link
 * WriteList}): a create costs two syncs (the store's and the freshness record's) instead of three.
 * What that must not cost: a superblock that reached the disk without its blocks is never the
 * volume (the version before it is, and only when the commit had not returned), a list changed by
 * the host fails the slot, and a commit of many blocks still orders them first.
 */
class EncFsListedCommitTest {

    /** The host's record of the committed version, which a test can set. */
    private static final class Record implements Freshness {
        long version = -1;

        @Override
        public long known(byte[] volumeId) {
            return version;
        }

        @Override
        public void advance(byte[] volumeId, long v) {
            version = Math.max(version, v);
        }

        static Record at(long v) {
            Record r = new Record();
            r.version = v;
            return r;
        }
    }

    @Test
    void aCreateSyncsOnceAndALargeWriteOrdersItsBlocksFirst() throws ErrnoException {
        MemStore store = new MemStore();
        Record f = new Record();
        EncFs fs = Vol.create(store, f);
        long syncs = store.syncs, version = f.version;
        fs.root().createFile("a", true);
        assertEquals(1, store.syncs - syncs, "a create's commit syncs the store once");
        assertEquals(version + 1, f.version, "and advances the record");

        syncs = store.syncs;
        write(fs.root().lookup("a"), 0, "small");
        assertEquals(1, store.syncs - syncs, "a small write's commit at close");

        syncs = store.syncs;
        byte[] big = new byte[(Superblock.MAX_LISTED + 20) * BlockStore.BLOCK_SIZE];
        java.util.Arrays.fill(big, (byte) 'x'); // not zeros: blocks of zeros are holes, never written
        write(fs.root().lookup("a"), 0, big);
        assertEquals(2, store.syncs - syncs, "a commit of more blocks than a superblock lists orders them first");
        syncs = store.syncs;
        fs.root().createFile("b", true);
        assertEquals(1, store.syncs - syncs, "the next small commit lists again");
        fs.close();
        EncFs again = Vol.open(store, f);
        assertEquals(Superblock.MAX_LISTED + 20, again.root().lookup("a").stat().size() / BlockStore.BLOCK_SIZE);
        again.close();
    }

    @Test
    void aSuperblockThatLandedWithoutItsBlocksIsNotTheVolume() throws ErrnoException {
        MemStore store = new MemStore();
        Record f = new Record();
        EncFs fs = Vol.create(store, f);
        write(fs.root().createFile("a", true), 0, "one");
        long v = f.version;
        store.failSync = true; // the power goes at the sync of the create's commit
        assertThrows(ErrnoException.class, () -> fs.root().createFile("b", true));
        assertEquals(v, f.version, "the failed commit advanced nothing");

        // the disk wrote the superblock and none of the blocks it lists
        int logStart = Vol.LOG.size();
        MemStore lastOnly = store.afterCrash(MemStore.Crash.LAST_ONLY);
        EncFs older = Vol.open(lastOnly.copy(), Record.at(v));
        assertEquals("one", Vol.read(older.root().lookup("a")));
        assertThrows(ErrnoException.class, () -> older.root().lookup("b"));
        older.close();
        List<String> lines = Vol.LOG.subList(logStart, Vol.LOG.size());
        assertTrue(lines.stream().anyMatch(l -> l.contains("version " + (v + 1) + " was cut short by a crash")), String.valueOf(lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("security") || l.contains("tamper")), String.valueOf(lines));

        // with every write on the disk the commit is whole: mounted, and the record advanced
        MemStore all = store.afterCrash(MemStore.Crash.ALL_UNSYNCED);
        Record r = Record.at(v);
        EncFs whole = Vol.open(all.copy(), r);
        assertEquals("one", Vol.read(whole.root().lookup("a")));
        assertNotNull(whole.root().lookup("b"));
        whole.close();
        assertTrue(r.version > v);
        // the same at first sight (no record): the list is checked and passes
        EncFs first = Vol.open(all.copy(), new Record());
        assertNotNull(first.root().lookup("b"));
        first.close();

        // once the record names the version, its blocks missing is no crash: refused
        ErrnoException e = assertThrows(ErrnoException.class, () -> Vol.open(lastOnly.copy(), Record.at(v + 1)));
        assertEquals(Errno.EIO, e.errno());

        // a list the host changed fails the slot: the slot before it is older than the record
        MemStore changed = all.copy();
        byte[] slot = new byte[BlockStore.BLOCK_SIZE];
        long s = (v + 1) % 2;
        assertTrue(changed.read(s, slot));
        int count = java.nio.ByteBuffer.wrap(slot, Superblock.LIST, 4).getInt();
        assertTrue(count > 0 && count <= Superblock.MAX_LISTED, "the slot lists " + count + " blocks");
        slot[Superblock.LIST + 4 + 7] ^= 1; // the first listed block's number
        changed.write(s, slot);
        changed.sync();
        e = assertThrows(ErrnoException.class, () -> Vol.open(changed, Record.at(v + 1)));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("rollback"), e.getMessage());
    }

    /** A volume's first commit is ordered: a crash in it leaves no superblock, so the file is taken as new, not as damaged. */
    @Test
    void aCreationCutShortLeavesAnEmptyStore() throws ErrnoException {
        MemStore store = new MemStore();
        store.failSync = true;
        assertThrows(ErrnoException.class, () -> Vol.create(store, new Record()));
        for (MemStore.Crash how : MemStore.Crash.values()) {
            assertTrue(EncFs.isEmpty(store.afterCrash(how)), how + ": a superblock before the volume's first sync");
        }
    }

    @Test
    void theListStopsWhereASuperblockEndsAndASyncThatFailsEmptiesIt() throws ErrnoException {
        MemStore store = new MemStore();
        WriteList w = new WriteList(store);
        byte[] b = new byte[BlockStore.BLOCK_SIZE];
        w.write(0, b); // a superblock slot: never listed
        w.write(1, b);
        assertArrayEquals(new long[0], w.listed());
        for (int i = 0; i < Superblock.MAX_LISTED; i++) {
            b[0] = (byte) i;
            w.write(2 + i, b);
        }
        w.write(2, b); // written again: listed once, with what it holds now
        assertEquals(Superblock.MAX_LISTED, w.listed().length);
        assertArrayEquals(Sealer.Digest.sha256().digest(b), w.entries().get(2L));
        w.write(2 + Superblock.MAX_LISTED, b);
        assertNull(w.listed(), "one block more than a superblock holds");
        w.sync();
        assertArrayEquals(new long[0], w.listed(), "a sync starts a new list");
        w.writeRun(5, 2, new byte[2 * BlockStore.BLOCK_SIZE], 0);
        assertArrayEquals(new long[] {5, 6}, w.listed());
        store.failSync = true;
        assertThrows(ErrnoException.class, w::sync);
        assertNull(w.listed(), "after a failed sync nothing is known durable: the next commit orders");
        assertFalse(w.listed() != null);
    }
}
