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
 */
public final class Pipe {
    /** Larger than Linux's default 64 KiB, so a writer of 64 KiB blocks runs ahead of its reader. */
    public static final int CAPACITY = 256 * 1024;
    public static final int PIPE_BUF = 4096;

    private final byte[] ring = new byte[CAPACITY];
    private int head; // next byte to read
    private int count; // bytes buffered
    private boolean readerOpen = true;
    private boolean writerOpen = true;
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
                while (count == 0) {
                    if (!writerOpen) return 0;
                    if (nonBlocking) throw Errno.EAGAIN.fail("pipe empty");
                    await();
                }
                int n = Math.min(dst.remaining(), count);
                int first = Math.min(n, CAPACITY - head);
                dst.put(ring, head, first);
                if (n > first) dst.put(ring, 0, n - first);
                head = (head + n) % CAPACITY;
                count -= n;
                Pipe.this.notifyAll();
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException {
            throw Errno.EBADF.fail("read end of a pipe");
        }

        @Override
        public boolean readReady() {
            synchronized (Pipe.this) {
                return count > 0 || !writerOpen;
            }
        }

        @Override
        public long available() {
            synchronized (Pipe.this) {
                return count;
            }
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
                    int free = CAPACITY - count;
                    if (free == 0 || (atomic && free < src.remaining())) {
                        if (nonBlocking) {
                            if (written > 0) return written;
                            throw Errno.EAGAIN.fail("pipe full");
                        }
                        try {
                            await();
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
                    Pipe.this.notifyAll();
                }
                return written;
            }
        }

        @Override
        public boolean writeReady() {
            synchronized (Pipe.this) {
                return count < CAPACITY || !readerOpen;
            }
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
