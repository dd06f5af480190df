package dev.arca.kernel.fd;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import java.nio.ByteBuffer;

/** A stream whose reads and writes may block (pipes), with non-blocking variants. */
public interface StreamHandle extends FileHandle {

    /** Reads; with {@code nonBlocking}, EAGAIN instead of waiting. 0 at end of stream. */
    int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException;

    /** Writes; with {@code nonBlocking}, EAGAIN (or a short count) instead of waiting. */
    int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException;

    /** Whether a write would make progress without blocking (or fail at once). */
    boolean writeReady();

    @Override
    default int read(ByteBuffer dst, long position) throws ErrnoException {
        return read(dst, false);
    }

    @Override
    default int write(ByteBuffer src, long position) throws ErrnoException {
        return write(src, false);
    }

    @Override
    default long size() {
        return 0;
    }

    @Override
    default boolean seekable() {
        return false;
    }
}
