package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link BlockStore} in one host file, opened through {@link Host}. While open it holds an
 * exclusive advisory lock on the file (a shared one when read-only), so a second Arca instance, or
 * a second mount of the same file in this JVM, is refused with EBUSY instead of corrupting the
 * volume. The lock protects honest operators from mistakes; it is no security boundary (the host
 * may ignore it), and none is needed: a host that writes behind Arca's back is caught by the MACs
 * like any other tampering.
 */
public final class HostBlockStore implements BlockStore {
    private final HostFile file;
    /** Bytes written since the disk was last asked to start on them ({@link #wrote}). */
    private final AtomicLong unstarted = new AtomicLong();
    /** Bytes written since the last sync began. */
    private final AtomicLong unsynced = new AtomicLong();

    /**
     * After this many bytes written, the host is asked to start writing them to the disk
     * ({@link HostFile#startWriteback}), by whichever thread wrote them: Linux by itself starts
     * only once a tenth of memory is dirty, or after 30 s.
     */
    static final long WRITEBACK_BYTES = 4L << 20;

    /**
     * {@link #syncBehind} (after a write-behind batch, or a run the volume wrote itself) starts a
     * sync once this much was written since the last one. This machine's disk (a VM's) makes a sync wait for everything written since the one
     * before, however early the writeback was started: a 256 MiB write's final sync took 130-180
     * ms, and 11-25 ms after syncs every 16 MiB on another thread (docs/encfs.md, "Speed"). A
     * copy-on-write volume never writes a place twice between two commits, so neither writes
     * anything twice, and no durability rests on either.
     */
    static final long SYNC_BEHIND_BYTES = 16L << 20;

    private HostBlockStore(HostFile file) {
        this.file = file;
    }

    /** A store over {@code file}, already open, without taking its lock (tests wrap the host's file). */
    static HostBlockStore over(HostFile file) {
        return new HostBlockStore(file);
    }

    /** Opens (or with {@code create}, creates) the store and locks it. Errors: EBUSY if locked. */
    public static HostBlockStore open(Host host, Path path, boolean writable, boolean create) throws ErrnoException {
        OpenMode mode = create ? OpenMode.create(0600) : writable ? OpenMode.READ_WRITE : OpenMode.READ;
        HostFile f = host.openFile(path, mode);
        try {
            if (!f.tryLock(writable)) throw Errno.EBUSY.fail(path + " is in use (by another Arca instance, or mounted twice)");
            return new HostBlockStore(f);
        } catch (ErrnoException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    @Override
    public boolean read(long index, byte[] dst) throws ErrnoException {
        ByteBuffer b = ByteBuffer.wrap(dst, 0, BLOCK_SIZE);
        long pos = index * BLOCK_SIZE;
        while (b.hasRemaining()) {
            if (file.read(b, pos + b.position()) <= 0) return false; // short file: the caller sees tampering
        }
        return true;
    }

    @Override
    public void write(long index, byte[] src) throws ErrnoException {
        file.write(ByteBuffer.wrap(src, 0, BLOCK_SIZE), index * BLOCK_SIZE);
        wrote(BLOCK_SIZE);
    }

    /** Counts {@code n} bytes written, and past {@link #WRITEBACK_BYTES} has the disk start on them. */
    private void wrote(long n) {
        unsynced.addAndGet(n);
        if (unstarted.addAndGet(n) < WRITEBACK_BYTES) return;
        unstarted.set(0);
        try {
            file.startWriteback();
        } catch (ErrnoException e) {
            // a hint only: a write error it met is reported by the next sync
        }
    }

    @Override
    public int readRun(long first, int count, byte[] dst, int off) throws ErrnoException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, count * BLOCK_SIZE);
        long pos = first * BLOCK_SIZE;
        while (b.hasRemaining()) {
            if (file.read(b, pos + b.position() - off) <= 0) break; // short file: the caller sees tampering
        }
        return (b.position() - off) / BLOCK_SIZE;
    }

    /** Host writes of a run are at most this long (see {@link #writeRun}). */
    static final int WRITE_PIECE = 64 * 1024;

    /**
     * One host write per {@link #WRITE_PIECE} of the run: on this machine's kernel (Linux 6.18,
     * ext4) writes of 256 KiB and more into new parts of a file were often several times slower
     * per byte than 64 KiB ones (docs/encfs.md, "Speed").
     */
    @Override
    public void writeRun(long first, int count, byte[] src, int off) throws ErrnoException {
        int len = count * BLOCK_SIZE;
        for (int done = 0; done < len; done += WRITE_PIECE) {
            int n = Math.min(WRITE_PIECE, len - done);
            file.write(ByteBuffer.wrap(src, off + done, n), first * BLOCK_SIZE + done);
        }
        wrote(len);
    }

    /** Positional reads and writes of one descriptor: any thread, at once. */
    @Override
    public boolean concurrent() {
        return true;
    }

    /**
     * Once a sync failed, every later one fails: Linux reports a failed write-back to one sync
     * only and may drop the pages it could not write, so a sync that succeeds after one that
     * failed proves nothing about the writes before it. The volume must be mounted again (it
     * then reads its last durable commit).
     */
    private volatile String syncFailed;
    /** Held through every sync: two never overlap, so the one that meets a failed write-back is the one that records it. */
    private final ReentrantLock syncing = new ReentrantLock();
    /** Whether a sync {@link #syncBehind} started is still running. */
    private final AtomicBoolean behind = new AtomicBoolean();
    private ExecutorService syncer; // made at the first sync behind; guarded by this
    private boolean closed; // guarded by this

    @Override
    public void sync() throws ErrnoException {
        syncing.lock();
        try {
            refuseAfterFailure();
            unsynced.set(0); // a write that lands during the sync counts for the next one
            try {
                file.sync(true);
            } catch (ErrnoException | RuntimeException e) {
                syncFailed = e.getMessage() != null ? e.getMessage() : e.toString();
                throw e;
            }
        } finally {
            syncing.unlock();
        }
    }

    /**
     * Once {@link #SYNC_BEHIND_BYTES} were written since the last sync, starts one on a thread of
     * its own and returns (the write-behind thread goes on sealing); its failure is reported by
     * every later sync, and by every later call of this (see {@link BlockStore#syncBehind}).
     */
    @Override
    public void syncBehind() throws ErrnoException {
        refuseAfterFailure();
        if (unsynced.get() < SYNC_BEHIND_BYTES || !behind.compareAndSet(false, true)) return;
        ExecutorService ex = syncer();
        if (ex == null) { // closed: nothing starts
            behind.set(false);
            return;
        }
        try {
            ex.execute(() -> {
                try {
                    sync();
                } catch (ErrnoException | RuntimeException e) {
                    // recorded in syncFailed when the host's sync failed: the next sync reports it
                } finally {
                    behind.set(false);
                }
            });
        } catch (RuntimeException e) { // closed meanwhile
            behind.set(false);
        }
    }

    /** EIO once a sync failed (see {@link #syncFailed}). */
    private void refuseAfterFailure() throws ErrnoException {
        String failed = syncFailed;
        if (failed != null) throw Errno.EIO.fail("an earlier sync of " + file.name() + " failed (" + failed + "): its writes may be lost; mount the volume again");
    }

    /** The thread that syncs behind, made at first use; null once the store is closed. */
    private synchronized ExecutorService syncer() {
        if (closed) return null;
        if (syncer == null) {
            syncer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "arca-encfs-sync");
                t.setDaemon(true);
                return t;
            });
        }
        return syncer;
    }

    /** Punches a hole: the host file keeps its size and gives back the space. */
    @Override
    public void discard(long first, long count) throws ErrnoException {
        file.punchHole(first * BLOCK_SIZE, count * BLOCK_SIZE);
    }

    @Override
    public void shrink(long blocks) throws ErrnoException {
        file.setSize(blocks * BLOCK_SIZE);
    }

    @Override
    public long blocks() throws ErrnoException {
        return (file.size() + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public void close() {
        ExecutorService s;
        synchronized (this) {
            closed = true;
            s = syncer;
        }
        if (s != null) {
            s.shutdown();
            boolean interrupted = false;
            while (true) {
                try {
                    if (s.awaitTermination(1, TimeUnit.DAYS)) break;
                } catch (InterruptedException e) {
                    interrupted = true; // a sync in flight finishes before the file closes
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        file.close(); // releases the lock with the last descriptor of this open file
    }
}
