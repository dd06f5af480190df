package dev.arca.fs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * The data of an open file or device. Positions are absolute: the kernel keeps the file offset.
 * A stream (device, terminal) ignores positions and is not seekable.
 */
public interface FileHandle {

    /** Reads into {@code dst} from {@code position}; returns 0 at end of file. */
    int read(ByteBuffer dst, long position) throws ErrnoException;

    /** Writes all of {@code src} at {@code position}; returns the count written. */
    int write(ByteBuffer src, long position) throws ErrnoException;

    /** Current size; 0 for streams. */
    long size() throws ErrnoException;

    default void truncate(long size) throws ErrnoException {
        throw Errno.EINVAL.fail();
    }

    default void sync(boolean dataOnly) throws ErrnoException {}

    /** False for streams: seeking gives ESPIPE. */
    default boolean seekable() {
        return true;
    }

    /** Whether a read would return at once (data or end of file) without blocking. */
    default boolean readReady() {
        return true;
    }

    /** Bytes that can be read at once without blocking, for poll's {@code nbytes}; -1 unknown. */
    default long available() {
        return -1;
    }

    default void close() {}
}
