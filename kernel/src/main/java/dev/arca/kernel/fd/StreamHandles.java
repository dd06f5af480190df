package dev.arca.kernel.fd;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import dev.arca.fs.FileHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

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
     * A read-only stream (the host's standard input). One pump thread does every read of the host
     * stream, so that a reader waits on a monitor it can leave: a signal or a kill ends a blocking
     * read (EINTR), which a read of the host stream itself would not. The pump reads only what a
     * waiting reader asks for, so Arca takes no more of the host stream than the guest reads,
     * until readiness is asked for without blocking (poll, a non-blocking read, the rest of a
     * large read): from then on it reads ahead, at most {@code READ_AHEAD} bytes.
     */
    public static StreamHandle input(InputStream in) {
        return new InputHandle(in);
    }

    private static final class InputHandle implements StreamHandle {
        private static final int READ_AHEAD = 1 << 20;
        private static final int STEP = 64 * 1024;
        private final InputStream in;
        private final Object mu = new Object();
        private Thread pump; // guarded by mu
        private byte[] buffered = new byte[0]; // guarded by mu
        private boolean eof; // guarded by mu
        private IOException failure; // guarded by mu
        private int wanted; // bytes a waiting reader asks for, guarded by mu
        private boolean readAhead; // guarded by mu

        InputHandle(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst, boolean nonBlocking) throws ErrnoException {
            synchronized (mu) {
                if (nonBlocking) readAhead();
                startPump();
                while (buffered.length == 0 && !eof && failure == null) {
                    if (nonBlocking) throw Errno.EAGAIN.fail("no input now");
                    wanted = Math.max(wanted, Math.min(dst.remaining(), STEP));
                    mu.notifyAll();
                    try {
                        mu.wait(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Errno.EINTR.fail();
                    }
                    Kernel.checkInterrupt();
                }
                if (buffered.length == 0) {
                    if (failure != null) throw Errno.EIO.fail(failure.getMessage());
                    return 0;
                }
                int n = Math.min(dst.remaining(), buffered.length);
                dst.put(buffered, 0, n);
                buffered = Arrays.copyOfRange(buffered, n, buffered.length);
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
                readAhead();
                return buffered.length > 0 || eof || failure != null;
            }
        }

        @Override
        public long available() {
            synchronized (mu) {
                readAhead();
                return buffered.length;
            }
        }

        /** Requires mu. From now on the pump reads ahead (readiness is asked without blocking). */
        private void readAhead() {
            startPump();
            if (!readAhead) {
                readAhead = true;
                mu.notifyAll();
            }
        }

        /** Requires mu. */
        private void startPump() {
            if (pump != null) return;
            pump = Thread.ofPlatform().daemon().name("arca-stdin").start(this::pump);
        }

        private void pump() {
            byte[] b = new byte[STEP];
            while (true) {
                int ask;
                synchronized (mu) {
                    while (wanted == 0 && !(readAhead && buffered.length < READ_AHEAD)) {
                        try {
                            mu.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    // wanted stays set until this read is done, so a reader that asks again while it
                    // is under way asks for nothing more
                    ask = wanted > 0 ? wanted : STEP;
                }
                int n;
                try {
                    n = in.read(b, 0, ask);
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
                    byte[] grown = Arrays.copyOf(buffered, buffered.length + n);
                    System.arraycopy(b, 0, grown, buffered.length, n);
                    buffered = grown;
                    wanted = 0;
                    mu.notifyAll();
                }
            }
        }
    }
}
