package dev.arca.kernel.fd;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** Handles over byte streams: the host's standard streams, or test buffers. */
public final class StreamHandles {
    private StreamHandles() {}

    /** A write-only stream; each write is flushed, since the guest's libc buffers already. */
    public static FileHandle output(OutputStream out) {
        return new FileHandle() {
            @Override
            public int read(ByteBuffer dst, long position) throws ErrnoException {
                throw Errno.EBADF.fail("output stream");
            }

            @Override
            public int write(ByteBuffer src, long position) throws ErrnoException {
                int n = src.remaining();
                try {
                    if (src.hasArray()) {
                        out.write(src.array(), src.arrayOffset() + src.position(), n);
                        src.position(src.limit());
                    } else {
                        byte[] b = new byte[n];
                        src.get(b);
                        out.write(b);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw Errno.EPIPE.fail(e.getMessage());
                }
                return n;
            }

            @Override
            public long size() {
                return 0;
            }

            @Override
            public boolean seekable() {
                return false;
            }
        };
    }

    /**
     * A read-only stream. Blocking reads read the host stream straight through (so Arca takes no
     * more of it than the guest asks for) until something needs readiness without blocking (poll,
     * a non-blocking read, the rest of a large read): that starts a pump thread that reads ahead
     * into a buffer, and from then on reads take from that buffer.
     */
    public static StreamHandle input(InputStream in) {
        return new InputHandle(in);
    }

    private static final class InputHandle implements StreamHandle {
        private final InputStream in;
        private final Object mu = new Object();
        private Thread pump; // guarded by mu
        private byte[] buffered = new byte[0]; // guarded by mu
        private boolean eof; // guarded by mu
        private IOException failure; // guarded by mu

        InputHandle(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException {
            synchronized (mu) {
                if (nonBlocking) startPump();
                if (pump == null) {
                    // no poll yet: read straight through (outside the lock would race a pump start)
                    byte[] b = new byte[dst.remaining()];
                    try {
                        int n = in.read(b);
                        if (n <= 0) return 0;
                        dst.put(b, 0, n);
                        return n;
                    } catch (IOException e) {
                        throw Errno.EIO.fail(e.getMessage());
                    }
                }
                while (buffered.length == 0 && !eof && failure == null) {
                    if (nonBlocking) throw Errno.EAGAIN.fail("no input now");
                    try {
                        mu.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Errno.EINTR.fail();
                    }
                }
                if (buffered.length == 0) {
                    if (failure != null) throw Errno.EIO.fail(failure.getMessage());
                    return 0;
                }
                int n = Math.min(dst.remaining(), buffered.length);
                dst.put(buffered, 0, n);
                buffered = java.util.Arrays.copyOfRange(buffered, n, buffered.length);
                mu.notifyAll();
                return n;
            }
        }

        @Override
        public int write(ByteBuffer src, boolean nonBlocking) throws ErrnoException {
            throw Errno.EBADF.fail("input stream");
        }

        @Override
        public boolean writeReady() {
            return false;
        }

        @Override
        public boolean readReady() {
            synchronized (mu) {
                startPump();
                return buffered.length > 0 || eof || failure != null;
            }
        }

        @Override
        public long available() {
            synchronized (mu) {
                startPump();
                return buffered.length;
            }
        }

        private void startPump() {
            if (pump != null) return;
            pump = Thread.ofPlatform().daemon().name("arca-stdin").start(() -> {
                byte[] b = new byte[8192];
                while (true) {
                    int n;
                    try {
                        n = in.read(b);
                    } catch (IOException e) {
                        synchronized (mu) {
                            failure = e;
                            mu.notifyAll();
                        }
                        return;
                    }
                    synchronized (mu) {
                        if (n < 0) {
                            eof = true;
                            mu.notifyAll();
                            return;
                        }
                        byte[] grown = java.util.Arrays.copyOf(buffered, buffered.length + n);
                        System.arraycopy(b, 0, grown, buffered.length, n);
                        buffered = grown;
                        mu.notifyAll();
                        while (buffered.length > (1 << 20)) { // keep at most 1 MiB read ahead
                            try {
                                mu.wait();
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }
            });
        }
    }
}
