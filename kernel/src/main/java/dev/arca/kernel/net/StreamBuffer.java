package dev.arca.kernel.net;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import java.nio.ByteBuffer;

/**
 * One direction of a byte stream inside the kernel: what one side has written and the other has
 * not read yet, up to a capacity. Used for both directions of a connection between two sockets of
 * the instance (a write goes straight into the peer's buffer: one copy), and for the plaintext
 * between a guest and a host connection. The array starts small and grows up to the capacity, so
 * a thousand idle connections cost little.
 *
 * <p>End of stream: {@link #closeWriting} (no more data will come: reads return 0 once drained);
 * {@link #closeReading} (nobody will read: writes fail with EPIPE); {@link #fail} (a reset: both
 * sides get the error). Blocking calls wait in slices so a signal or kill is seen within
 * {@link #SLICE_MILLIS}; they fail with EINTR then. The monitor of the buffer guards all.
 */
final class StreamBuffer {
    static final int SLICE_MILLIS = 20;
    private static final int INITIAL = 4096;

    private byte[] ring = new byte[0];
    private int head; // next byte to read
    private int count; // bytes buffered
    private int capacity;
    private boolean writingClosed;
    private boolean readingClosed;
    private Errno error; // a reset: both sides see it
    /** Whoever must hear of every change (polls of both ends, the network pump). */
    final Watchers watchers = new Watchers();
    private Runnable onChange; // e.g. the pump, to resume reading from the host when room frees up

    StreamBuffer(int capacity) {
        this.capacity = capacity;
    }

    synchronized void setCapacity(int c) {
        capacity = Math.max(c, count);
        changed();
    }

    synchronized int capacity() {
        return capacity;
    }

    synchronized void onChange(Runnable r) {
        onChange = r;
    }

    /** Requires this. */
    private void changed() {
        notifyAll();
        watchers.wake();
        if (onChange != null) onChange.run();
    }

    synchronized int available() {
        return count;
    }

    synchronized int room() {
        return capacity - count;
    }

    synchronized boolean writingClosed() {
        return writingClosed;
    }

    synchronized boolean readingClosed() {
        return readingClosed;
    }

    synchronized Errno error() {
        return error;
    }

    /** Whether a read would return at once: data, end of stream, or an error. */
    synchronized boolean readable() {
        return count > 0 || writingClosed || error != null;
    }

    /** Whether a write would make progress (or fail) at once. */
    synchronized boolean writable() {
        return count < capacity || readingClosed || error != null;
    }

    /** Requires this. Waits one slice; EINTR for a signal or kill, EAGAIN past {@code deadline}. */
    private void await(long deadline) throws ErrnoException {
        Kernel.checkInterrupt();
        long waitMillis = SLICE_MILLIS;
        if (deadline != 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw Errno.EAGAIN.fail("timed out");
            waitMillis = Math.max(1, Math.min(waitMillis, left / 1_000_000));
        }
        try {
            wait(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
    }

    /**
     * Reads what is there (at least one byte, unless end of stream), waiting for some unless
     * {@code nonBlocking}. {@code peek} leaves it buffered; {@code waitAll} waits for the whole
     * of {@code dst} (MSG_WAITALL) unless end of stream, an error or a signal comes first, which
     * then returns the part read. {@code deadline}: System.nanoTime() after which a wait is
     * EAGAIN, or 0 for none. Errors: EAGAIN, EINTR, the stream's error (ECONNRESET).
     */
    synchronized int read(ByteBuffer dst, boolean nonBlocking, boolean peek, boolean waitAll, long deadline)
            throws ErrnoException {
        if (!dst.hasRemaining()) return 0;
        int total = 0;
        while (true) {
            if (count > 0) {
                int n = Math.min(dst.remaining(), count);
                int first = Math.min(n, ring.length - head);
                dst.put(ring, head, first);
                if (n > first) dst.put(ring, 0, n - first);
                total += n;
                if (!peek) {
                    head = (head + n) % ring.length;
                    count -= n;
                    if (count == 0) head = 0;
                    changed();
                }
                if (!waitAll || peek || !dst.hasRemaining()) return total;
                continue;
            }
            if (error != null && total == 0) throw error.fail("connection");
            if (writingClosed || error != null) return total;
            if (nonBlocking) {
                if (total > 0) return total;
                throw Errno.EAGAIN.fail("no data");
            }
            try {
                await(deadline);
            } catch (ErrnoException e) {
                if (total > 0) return total; // a partial read is reported, not lost
                throw e;
            }
        }
    }

    /**
     * Writes as much of {@code src} as fits, waiting for room unless {@code nonBlocking}; a write
     * of at most {@code atomic} bytes goes in whole or not at all. Returns the count written, which
     * is short only when a wait was cut short after some was written (signal, timeout) or when
     * non-blocking. Errors: EPIPE when nobody reads, the stream's error, EAGAIN, EINTR.
     */
    synchronized int write(ByteBuffer src, boolean nonBlocking, int atomic, long deadline) throws ErrnoException {
        int want = src.remaining();
        if (want == 0) return 0;
        int written = 0;
        while (src.hasRemaining()) {
            if (error != null) {
                if (written > 0) return written;
                throw error.fail("connection");
            }
            if (readingClosed || writingClosed) {
                if (written > 0) return written;
                throw Errno.EPIPE.fail("the other side is closed");
            }
            int free = capacity - count;
            if (free == 0 || (want <= atomic && free < src.remaining())) {
                if (nonBlocking) {
                    if (written > 0) return written;
                    throw Errno.EAGAIN.fail("buffer full");
                }
                try {
                    await(deadline);
                } catch (ErrnoException e) {
                    if (written > 0) return written;
                    throw e;
                }
                continue;
            }
            int n = Math.min(free, src.remaining());
            ensure(count + n);
            int tail = (head + count) % ring.length;
            int first = Math.min(n, ring.length - tail);
            src.get(ring, tail, first);
            if (n > first) src.get(ring, 0, n - first);
            count += n;
            written += n;
            changed();
        }
        return written;
    }

    /** Requires this. Grows the array (keeping the bytes in order) to hold {@code need}. */
    private void ensure(int need) {
        if (need <= ring.length) return;
        int size = Math.max(INITIAL, ring.length);
        while (size < need) size <<= 1;
        size = Math.min(size, Math.max(capacity, need));
        byte[] bigger = new byte[size];
        int first = Math.min(count, ring.length - head);
        if (count > 0) {
            System.arraycopy(ring, head, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, count - first);
        }
        ring = bigger;
        head = 0;
    }

    /**
     * Moves buffered bytes into {@code dst} without waiting (for the network pump sending to
     * the host, or TLS wrapping); returns how many.
     */
    synchronized int drainTo(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), count);
        if (n == 0) return 0;
        int first = Math.min(n, ring.length - head);
        dst.put(ring, head, first);
        if (n > first) dst.put(ring, 0, n - first);
        head = (head + n) % ring.length;
        count -= n;
        if (count == 0) head = 0;
        changed();
        return n;
    }

    /** Puts what fits of {@code src} without waiting (the pump, from the host); returns how many. */
    synchronized int fillFrom(ByteBuffer src) {
        if (readingClosed) { // nobody will read it: swallow, as a closed socket's data is dropped
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }
        int n = Math.min(capacity - count, src.remaining());
        if (n <= 0) return 0;
        ensure(count + n);
        int tail = (head + count) % ring.length;
        int first = Math.min(n, ring.length - tail);
        src.get(ring, tail, first);
        if (n > first) src.get(ring, 0, n - first);
        count += n;
        changed();
        return n;
    }

    /** The writing side is done: the reader sees end of stream once it has drained the rest. */
    synchronized void closeWriting() {
        if (writingClosed) return;
        writingClosed = true;
        changed();
    }

    /** The reading side is gone: what is buffered is dropped and writes fail with EPIPE. */
    synchronized void closeReading() {
        readingClosed = true;
        count = 0;
        head = 0;
        ring = new byte[0];
        changed();
    }

    /** A reset: both sides get {@code e} (ECONNRESET, ETIMEDOUT, ...). */
    synchronized void fail(Errno e) {
        if (error == null) error = e;
        changed();
    }
}
