package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;

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

    private HostBlockStore(HostFile file) {
        this.file = file;
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
    }

    /** Positional reads and writes of one descriptor: any thread, at once. */
    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public void sync() throws ErrnoException {
        file.sync(true);
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
        file.close(); // releases the lock with the last descriptor of this open file
    }
}
