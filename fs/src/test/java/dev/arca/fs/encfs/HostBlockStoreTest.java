package dev.arca.fs.encfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.host.HostFile;
import dev.arca.host.HostStat;
import dev.arca.host.LinuxHost;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume on a real host file, through a file whose syncs can be made to fail: the store's
 * syncs as the write-behind thread asks for them and as commits do, the writeback it starts as
 * it goes, and what follows a sync that failed (Linux reports a failed write-back once and may
 * drop the pages, so a later sync's success proves nothing: every later sync must fail too).
 */
class HostBlockStoreTest {
    private static final int B = BlockStore.BLOCK_SIZE;

    @TempDir
    Path dir;

    private final LinuxHost host = new LinuxHost();
    private final Freshness fresh = Freshness.inMemory();

    /** The host's file, counting syncs (those on the store's own thread apart) and writeback starts, failing syncs while {@code failSyncs}. */
    private static final class FaultyFile implements HostFile {
        final HostFile file;
        volatile boolean failSyncs;
        volatile long syncMillis; // each sync takes at least this long
        volatile long lastSyncEnd, closedAt; // System.nanoTime()
        final AtomicInteger syncs = new AtomicInteger(), behindSyncs = new AtomicInteger(), writebacks = new AtomicInteger();

        FaultyFile(HostFile file) {
            this.file = file;
        }

        @Override
        public void sync(boolean dataOnly) throws ErrnoException {
            if (failSyncs) throw Errno.EIO.fail("injected write-back error");
            if (syncMillis > 0) {
                try {
                    Thread.sleep(syncMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            file.sync(dataOnly);
            lastSyncEnd = System.nanoTime();
            (Thread.currentThread().getName().equals("arca-encfs-sync") ? behindSyncs : syncs).incrementAndGet();
        }

        @Override
        public void startWriteback() throws ErrnoException {
            writebacks.incrementAndGet();
            file.startWriteback();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws ErrnoException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws ErrnoException {
            return file.write(src, position);
        }

        @Override
        public long size() throws ErrnoException {
            return file.size();
        }

        @Override
        public void setSize(long size) throws ErrnoException {
            file.setSize(size);
        }

        @Override
        public HostStat stat() throws ErrnoException {
            return file.stat();
        }

        @Override
        public void setTimes(long atimeNanos, long mtimeNanos) throws ErrnoException {
            file.setTimes(atimeNanos, mtimeNanos);
        }

        @Override
        public boolean tryLock(boolean exclusive) throws ErrnoException {
            return file.tryLock(exclusive);
        }

        @Override
        public void punchHole(long position, long length) throws ErrnoException {
            file.punchHole(position, length);
        }

        @Override
        public String name() {
            return file.name();
        }

        @Override
        public void close() {
            closedAt = System.nanoTime();
            file.close();
        }
    }

    private FaultyFile file(boolean create) throws ErrnoException {
        return new FaultyFile(host.openFile(dir.resolve("v.vol"), create ? OpenMode.create(0600) : OpenMode.READ_WRITE));
    }

    private static byte[] data(int blocks, int seed) {
        byte[] d = new byte[blocks * B];
        new java.util.Random(seed).nextBytes(d);
        return d;
    }

    private static void writeAt(FileHandle h, byte[] d) throws ErrnoException {
        for (int off = 0; off < d.length; off += 64 * 1024) {
            int n = Math.min(64 * 1024, d.length - off);
            assertEquals(n, h.write(ByteBuffer.wrap(d, off, n), off));
        }
    }

    @Test
    void aLargeWriteIsSyncedBehindAndStartedOnTheDiskAsItGoes() throws ErrnoException {
        FaultyFile f = file(true);
        EncFs fs = EncFs.create(HostBlockStore.over(f), Vol.KEY, Vol::random, Vol.options(fresh).withCommitEagerly(false));
        byte[] d = data(16 * 1024, 1); // 64 MiB: the default cache's batches are 4 MiB, a sync behind every 16 MiB
        FileHandle h = fs.root().createFile("big", true).open(true, true);
        writeAt(h, d);
        assertTrue(f.writebacks.get() >= 8, "writeback started every 4 MiB: " + f.writebacks.get());
        int commitSyncs = f.syncs.get();
        h.sync(false);
        assertTrue(f.syncs.get() > commitSyncs, "the commit synced");
        h.close();
        fs.close();
        // a writer batch that ends once 16 MiB were written since the last sync starts a sync on
        // the store's own thread (the writer has at most two batches at once, the last waited for
        // by the commit; the guest's thread seals the rest); closing waits for it
        assertTrue(f.behindSyncs.get() >= 1, "synced behind: " + f.behindSyncs.get());
        EncFs again = EncFs.open(HostBlockStore.over(file(false)), Vol.KEY, Vol::random, Vol.options(fresh), null);
        assertArrayEquals(d, Vol.readAll(again.root().lookup("big")));
        again.close();
    }

    @Test
    void afterASyncFailedEveryLaterSyncFails() throws ErrnoException {
        FaultyFile f = file(true);
        HostBlockStore s = HostBlockStore.over(f);
        s.write(5, new byte[B]);
        s.sync();
        f.failSyncs = true;
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, s::sync).errno());
        f.failSyncs = false; // the host's next sync would succeed: the pages it dropped are forgotten
        ErrnoException again = assertThrows(ErrnoException.class, s::sync);
        assertEquals(Errno.EIO, again.errno());
        assertTrue(again.getMessage().contains("earlier sync") && again.getMessage().contains("injected"), again.getMessage());
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, s::syncBehind).errno());
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, s::order).errno());
        s.close();
    }

    /**
     * A sync the write-behind thread asked for fails: the guest's next write or commit reports
     * EIO, every later commit too, and the volume mounted again holds its last commit whole,
     * with no security line.
     */
    @Test
    void aFailedSyncBehindFailsEveryLaterCommitAndTheLastCommitSurvives() throws ErrnoException {
        FaultyFile f = file(true);
        EncFs fs = EncFs.create(HostBlockStore.over(f), Vol.KEY, Vol::random, Vol.options(fresh).withCommitEagerly(false));
        byte[] first = data(256, 2);
        Vol.write(fs.root().createFile("committed", true), 0, first);
        fs.commit();
        f.failSyncs = true;
        FileHandle h = fs.root().createFile("lost", true).open(true, true);
        byte[] d = data(16 * 1024, 3);
        ErrnoException failed = null;
        try {
            writeAt(h, d);
            h.sync(false);
        } catch (ErrnoException e) {
            failed = e;
        }
        assertTrue(failed != null && failed.errno() == Errno.EIO, "the write or its commit fails: " + failed);
        f.failSyncs = false;
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, fs::commit).errno(), "and every commit after it");
        try {
            Vol.write(fs.root().createFile("later", true), 0, "x");
        } catch (ErrnoException e) { // a batch of the failed write still in flight reports its error at a later call
            assertEquals(Errno.EIO, e.errno());
        }
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, fs::commit).errno());
        int log = Vol.LOG.size();
        assertEquals(Errno.EIO, assertThrows(ErrnoException.class, fs::close).errno(), "closing commits, and fails too");
        EncFs again = EncFs.open(HostBlockStore.over(file(false)), Vol.KEY, Vol::random, Vol.options(fresh), null);
        assertArrayEquals(first, Vol.readAll(again.root().lookup("committed")));
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> again.root().lookup("lost")).errno());
        assertEquals(Errno.ENOENT, assertThrows(ErrnoException.class, () -> again.root().lookup("later")).errno());
        assertEquals(log, Vol.LOG.size(), "no security line: " + Vol.LOG.subList(log, Vol.LOG.size()));
        again.close();
    }

    /**
     * A sync behind still running when the store is closed: the close waits for it (the file is
     * never closed under a sync), a commit's sync meanwhile waits its turn, and a sync behind
     * asked for after the close starts nothing.
     */
    @Test
    void closeWaitsForASyncBehindAndACommitSyncWaitsItsTurn() throws Exception {
        FaultyFile f = file(true);
        HostBlockStore s = HostBlockStore.over(f);
        byte[] run = data(256, 4); // 1 MiB a run
        for (int i = 0; i < 16; i++) s.writeRun(2 + i * 256L, 256, run, 0);
        f.syncMillis = 300;
        long asked = System.nanoTime();
        s.syncBehind(); // 16 MiB wait: a sync starts on the store's thread and this returns
        assertTrue(System.nanoTime() - asked < 200_000_000L, "syncBehind does not wait for its sync");
        Thread.sleep(50);
        s.sync(); // waits for the one behind, then syncs itself
        assertEquals(1, f.behindSyncs.get());
        assertEquals(1, f.syncs.get());
        assertTrue(System.nanoTime() - asked >= 500_000_000L, "the commit's sync waited for the one behind, then took its own turn");
        for (int i = 0; i < 16; i++) s.writeRun(2 + i * 256L, 256, run, 0);
        s.syncBehind();
        s.close();
        assertEquals(2, f.behindSyncs.get(), "the sync behind ran to its end before the file closed");
        assertTrue(f.lastSyncEnd <= f.closedAt, "no sync after the close");
        s.syncBehind(); // nothing written since: nothing starts, nothing throws
        assertEquals(2, f.behindSyncs.get());

        // 16 MiB written, the store closed before anything syncs behind: a late call starts no
        // thread and no sync on the closed file (the volume closes its writer thread first; this
        // is the store's own guard)
        FaultyFile g = new FaultyFile(host.openFile(dir.resolve("w.vol"), OpenMode.create(0600)));
        HostBlockStore t = HostBlockStore.over(g);
        for (int i = 0; i < 16; i++) t.writeRun(2 + i * 256L, 256, run, 0);
        t.close();
        t.syncBehind();
        Thread.sleep(100);
        assertEquals(0, g.behindSyncs.get() + g.syncs.get());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(th -> th.getName().equals("arca-encfs-sync") && th.isAlive()
                && th.getState() == Thread.State.RUNNABLE), "no sync thread at work");
    }
}
