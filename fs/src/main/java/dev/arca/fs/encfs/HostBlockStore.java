package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/**
 * A {@link BlockStore} in one host file, opened through {@link Host}. While open it holds an
 * exclusive advisory lock on the file, so a second Arca instance (or a second mount in this JVM)
 * is refused with EBUSY instead of corrupting the volume. The lock protects honest operators from
 * mistakes; it is no security boundary (the host may ignore it), and none is needed: a host that
 * writes behind Arca's back is caught by the MACs like any other tampering.
 */
public final class HostBlockStore implements BlockStore {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private HostBlockStore(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Opens (or with {@code create}, creates) the store and locks it. Errors: EBUSY if locked. */
    public static HostBlockStore open(Host host, Path path, boolean writable, boolean create) throws ErrnoException {
        FileChannel ch = host.open(path, true, writable, create, false);
        try {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, !writable);
            if (l == null) throw Errno.EBUSY.fail(path + " is in use by another Arca instance");
            return new HostBlockStore(path, ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw Errno.EBUSY.fail(path + " is already mounted in this process");
        } catch (IOException e) {
            closeQuietly(ch);
            throw HostErrors.map(e);
        } catch (ErrnoException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    @Override
    public boolean read(long index, byte[] dst) throws ErrnoException {
        ByteBuffer b = ByteBuffer.wrap(dst, 0, BLOCK_SIZE);
        long pos = index * BLOCK_SIZE;
        try {
            while (b.hasRemaining()) {
                int n = channel.read(b, pos + b.position());
                if (n < 0) return false; // short file: checked by the caller as tampering
            }
            return true;
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void write(long index, byte[] src) throws ErrnoException {
        ByteBuffer b = ByteBuffer.wrap(src, 0, BLOCK_SIZE);
        long pos = index * BLOCK_SIZE;
        try {
            while (b.hasRemaining()) channel.write(b, pos + b.position());
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void sync() throws ErrnoException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
