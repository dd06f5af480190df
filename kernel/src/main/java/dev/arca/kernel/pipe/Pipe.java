package dev.arca.kernel.pipe;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.fd.StreamHandle;
import java.nio.ByteBuffer;

/**
 * A pipe: a 256 KiB ring buffer between one read end and one write end (each shared by every
 * descriptor duplicated from it). As on Linux: writes of at most {@link #PIPE_BUF} bytes are
 * atomic; a read returns end of file once every writer has closed; a write with no reader left
 * fails with EPIPE (the syscall layer then sends SIGPIPE). The monitor of the pipe guards all.
 *
 * <p>Speed: the syscall layer passes buffers that are views of the guest's memory, so a byte
 * is copied once into the ring and once out of it; and when a reader already waits on an empty
 * pipe, its buffer is posted here and the writer copies straight into it (one copy, no ring).
 * A side is woken only when it waits: no monitor notification per write otherwise. (Spinning
 * before waiting was tried and lost: a reader that spins finds the bytes in the ring, two
 * copies, instead of having them put in its buffer; 64 KiB writes ran at half the speed.)
 */
public final class Pipe {
    /** Larger than Linux's default 64 KiB, so a writer of 64 KiB blocks runs ahead of its reader. */
    public static final int CAPACITY = 256 * 1024;
    public static final int PIPE_BUF = 4096;

    private final byte[] ring = new byte[CAPACITY];
    private int head; // next byte to read
    private volatile int count; // bytes buffered (written under the monitor; read without it for readiness)
    private volatile boolean readerOpen = true;
    private volatile boolean writerOpen = true;
    private int readersWaiting; // threads in wait() for data
    private int writersWaiting; // threads in wait() for room
    private ByteBuffer posted; // a waiting reader's buffer, for a writer to fill directly; or null
    private int handed; // bytes a writer put in {@code posted} (the reader takes them as its result)
    private final StreamHandle readEnd = new ReadEnd();
    private final StreamHandle writeEnd = new WriteEnd();

    public StreamHandle readEnd() {
        return readEnd;
    }

    public StreamHandle writeEnd() {
        return writeEnd;
    }

    /** Requires this. Waits a little for the other end; EINTR when a signal or kill arrives. */
    private void await() throws ErrnoException {
        Kernel.checkInterrupt();
        try {
            wait(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
    }

    private final class ReadEnd implements StreamHandle {
        @Override
        public int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException {
            if (!dst.hasRemaining()) return 0;
            synchronized (Pipe.this) {
                if (count == 0 && writerOpen) {
                    if (nonBlocking) throw Errno.EAGAIN.fail("pipe empty");
                    int got = awaitData(dst);
                    if (got > 0) return got;
                }
                if (count == 0) return 0; // no writer left
                int n = Math.min(dst.remaining(), count);
                int first = Math.min(n, CAPACITY - head);
                dst.put(ring, head, first);
                if (n > first) dst.put(ring, 0, n - first);
                head = (head + n) % CAPACITY;
                count -= n;
                if (writersWaiting > 0) Pipe.this.notifyAll();
                return n;
            }
        }

        /**
         * Requires the monitor, an empty pipe and a writer. Waits for data, with {@code dst}
         * posted for a writer to fill if no other reader has posted one; returns the bytes a
         * writer put straight into it (0: there are bytes in the ring now, or no writer). Bytes
         * handed over are returned even when a signal ends the wait, so none is lost.
         */
        private int awaitData(ByteBuffer dst) throws ErrnoException {
            boolean mine = posted == null;
            if (mine) {
                posted = dst;
                handed = 0;
            }
            readersWaiting++;
            try {
                while (count == 0 && writerOpen && !(mine && handed > 0)) await();
            } catch (ErrnoException e) {
                if (!mine || handed == 0) throw e;
            } finally {
                readersWaiting--;
                if (mine) posted = null;
            }
            return mine ? handed : 0;
        }

        @Override
        public int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException {
            throw Errno.EBADF.fail("read end of a pipe");
        }

        @Override
        public boolean readReady() {
            return count > 0 || !writerOpen;
        }

        @Override
        public long available() {
            return count;
        }

        @Override
        public boolean writeReady() {
            return false;
        }

        @Override
        public void close() {
            synchronized (Pipe.this) {
                readerOpen = false;
                Pipe.this.notifyAll();
            }
        }
    }

    private final class WriteEnd implements StreamHandle {
        @Override
        public int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException {
            throw Errno.EBADF.fail("write end of a pipe");
        }

        @Override
        public int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException {
            int total = src.remaining();
            if (total == 0) return 0;
            boolean atomic = total <= PIPE_BUF;
            int written = 0;
            synchronized (Pipe.this) {
                while (src.hasRemaining()) {
                    if (!readerOpen) {
                        if (written > 0) return written;
                        throw Errno.EPIPE.fail("no reader");
                    }
                    if (posted != null && count == 0 && handed == 0) {
                        // a reader waits on an empty pipe: straight into its buffer, the rest
                        // (of an atomic write too: nothing can come between) into the ring
                        int n = Math.min(src.remaining(), posted.remaining());
                        posted.put(posted.position(), src, src.position(), n);
                        posted.position(posted.position() + n);
                        src.position(src.position() + n);
                        handed = n;
                        written += n;
                        Pipe.this.notifyAll();
                        continue;
                    }
                    int free = CAPACITY - count;
                    if (free == 0 || (atomic && free < src.remaining())) {
                        if (nonBlocking) {
                            if (written > 0) return written;
                            throw Errno.EAGAIN.fail("pipe full");
                        }
                        try {
                            awaitRoom();
                        } catch (ErrnoException e) {
                            if (written > 0) return written; // a partial write is reported, not lost
                            throw e;
                        }
                        continue;
                    }
                    int n = Math.min(free, src.remaining());
                    int tail = (head + count) % CAPACITY;
                    int first = Math.min(n, CAPACITY - tail);
                    src.get(ring, tail, first);
                    if (n > first) src.get(ring, 0, n - first);
                    count += n;
                    written += n;
                    if (readersWaiting > 0) Pipe.this.notifyAll();
                }
                return written;
            }
        }

        /** Requires the monitor. One wait for room. */
        private void awaitRoom() throws ErrnoException {
            writersWaiting++;
            try {
                await();
            } finally {
                writersWaiting--;
            }
        }

        @Override
        public boolean writeReady() {
            return count < CAPACITY || !readerOpen;
        }

        @Override
        public boolean readReady() {
            return false;
        }

        @Override
        public void close() {
            synchronized (Pipe.this) {
                writerOpen = false;
                Pipe.this.notifyAll();
            }
        }
    }
}
