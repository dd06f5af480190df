package dev.arca.host;

import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * An open regular file of the host. Positions are absolute (no shared offset), so one file may be
 * used by several threads at once. Closing is safe against calls in flight (see {@link HostFd}).
 */
public interface HostFile extends AutoCloseable {

    /** Reads into {@code dst} from {@code position}; returns the count read, 0 at end of file. */
    int read(ByteBuffer dst, long position) throws ErrnoException;

    /** Writes all of {@code src} at {@code position}. Errors: ENOSPC, EFBIG, EDQUOT, EIO. */
    int write(ByteBuffer src, long position) throws ErrnoException;

    long size() throws ErrnoException;

    /** Sets the size, filling with zeros when it grows. */
    void setSize(long size) throws ErrnoException;

    /** Makes every earlier write durable (fsync, or fdatasync with {@code dataOnly}). */
    void sync(boolean dataOnly) throws ErrnoException;

    /**
     * Starts writing what was written to the file so far to the disk, without waiting for it and
     * without any durability promise (only {@link #sync} makes writes durable): a writer of much
     * data calls it as it goes, so the disk works beside it and a later sync has only the tail
     * left to wait for. Errors are those of sync_file_range(2); a write error it meets is also
     * reported by the next sync.
     */
    void startWriteback() throws ErrnoException;

    HostStat stat() throws ErrnoException;

    /** Sets times in nanoseconds since the epoch; negative leaves one unchanged. */
    void setTimes(long atimeNanos, long mtimeNanos) throws ErrnoException;

    /**
     * Takes an advisory lock on the whole file for as long as it stays open, without waiting:
     * false when another open file (in this process or another) holds a conflicting one.
     */
    boolean tryLock(boolean exclusive) throws ErrnoException;

    /** Gives the host back the space of a range, which reads as zeros afterwards (hole punching). */
    void punchHole(long position, long length) throws ErrnoException;

    /** What it was opened as, for messages. */
    String name();

    @Override
    void close();
}
