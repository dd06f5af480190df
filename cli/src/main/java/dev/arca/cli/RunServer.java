package dev.arca.cli;

import dev.arca.GuestProcess;
import dev.arca.Instance;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's side of {@code arca run --node}: a Unix socket in the node's data directory (mode
 * 0600, and each peer's user id checked against the node's), one session per connection, each
 * running {@code arca run} as this JVM would for the client: its arguments, environment, working
 * directory and terminal flags; its standard streams relayed over the socket, stdin read only as
 * the guest asks for it; its signals delivered to the guest. The JVM, the loaded classes of every
 * module run before and the code HotSpot compiled for them stay warm between runs.
 *
 * <p>Frames, both ways: a type byte, a big-endian u32 length, the payload. Client to node: {@code
 * H} hello (u32 version, u32 terminal bits, u32 argc and argc strings, u32 envc and envc
 * "NAME=VALUE" strings, the working directory; a string is a u32 length and UTF-8 bytes), {@code
 * I} stdin bytes answering a read request (empty: end of file), {@code S} a signal (u32). Node to
 * client: {@code O} stdout bytes, {@code E} stderr bytes, {@code R} a read request (u32 most
 * bytes), {@code X} the exit code (u32), then the node closes. Anything else, or a frame too
 * large, ends the session (docs/resident.md).
 */
final class RunServer implements AutoCloseable {
    static final String SOCKET_NAME = "run.sock";
    static final int VERSION = 1;
    /** Arguments and environment together (Linux's ARG_MAX is 2 MiB). */
    static final int MAX_HELLO = 4 << 20;
    /** One stdin frame: the client sends at most what was asked, and the node asks at most this. */
    static final int MAX_INPUT = 64 << 10;
    static final int MAX_SESSIONS = 32;
    /** A client that connects and says nothing is dropped after this. */
    static final long HELLO_MILLIS = 10_000;

    private final ServerSocketChannel server;
    private final Path socket;
    private final Semaphore slots = new Semaphore(MAX_SESSIONS);
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("arca-run-timer").unstarted(r));
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean closed;

    private RunServer(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Listens at {@code dataDir}/run.sock and serves until closed. */
    static RunServer start(Path dataDir) throws IOException {
        Path socket = dataDir.resolve(SOCKET_NAME);
        RunServer s = new RunServer(Cli.HOST.listenLocal(socket), socket);
        Thread.ofPlatform().daemon().name("arca-run-accept").start(s::acceptLoop);
        return s;
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (closed) return;
                Console.notice("run socket: " + e.getMessage());
                sleep(100); // an error that repeats (EMFILE) must not spin
                continue;
            }
            try {
                if (!Cli.HOST.peerIsOwnUser(ch)) {
                    Console.notice("run socket: refused a client running as another user");
                    ch.close();
                    continue;
                }
                if (!slots.tryAcquire()) {
                    refuse(ch, "the node runs " + MAX_SESSIONS + " programs for clients already; try again later");
                    continue;
                }
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            open.add(ch);
            int n = sessions.incrementAndGet();
            Thread.ofPlatform().name("arca-run-" + n).start(() -> {
                try {
                    new Connection(ch).serve();
                } finally {
                    open.remove(ch);
                    closeQuietly(ch);
                    slots.release();
                }
            });
        }
    }

    private void refuse(SocketChannel ch, String why) {
        try (ch) {
            Connection c = new Connection(ch);
            c.frame('E', ("arca: " + why + "\n").getBytes(StandardCharsets.UTF_8));
            c.exit(Main.RUNTIME_ERROR);
        } catch (IOException e) {
            // the client is gone already
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (SocketChannel ch : open) closeQuietly(ch); // their sessions see the client gone and stop their guests
        timers.shutdownNow();
        try (dev.arca.host.HostFd dir = Cli.HOST.openDirectory(socket.getParent())) {
            Cli.HOST.removeFile(dir, SOCKET_NAME);
        } catch (dev.arca.abi.ErrnoException | RuntimeException e) {
            // gone already, or the directory is: nothing to tidy
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing what failed
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A protocol error: the session ends with one line to the client (when it still listens). */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** One client's connection: its hello, then the run, with a reader thread for its frames. */
    private final class Connection {
        private final SocketChannel ch;
        private final Object writerLock = new Object();
        private final java.util.concurrent.ArrayBlockingQueue<byte[]> outbox = new java.util.concurrent.ArrayBlockingQueue<>(16);
        private Thread writer; // made by the first frame; guarded by writerLock
        private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
        private volatile Session session;
        private volatile Thread runner;
        private volatile int signalled; // the first signal the client forwarded
        private volatile boolean gone; // the client hung up

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        void serve() {
            String[] args;
            Session s;
            ScheduledFuture<?> deadline = timers.schedule(() -> closeQuietly(ch), HELLO_MILLIS, TimeUnit.MILLISECONDS);
            try {
                Hello h = readHello();
                if (!deadline.cancel(false)) return; // too late: closed already
                args = h.args;
                if (args.length == 0 || !args[0].equals("run")) throw new ProtocolException("only 'arca run' runs in a node");
                s = Session.remote(h.env, Path.of(h.cwd), new Input(), new Output('O'), new Output('E'), h.terminals);
            } catch (ProtocolException | IllegalArgumentException e) {
                deadline.cancel(false);
                try {
                    frame('E', ("arca: --node: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                    exit(Main.USAGE);
                } catch (IOException x) {
                    // the client is gone
                }
                return;
            } catch (IOException e) {
                deadline.cancel(false);
                return; // gone, or silent past the deadline
            }
            session = s;
            runner = Thread.currentThread();
            Thread.ofPlatform().daemon().name(Thread.currentThread().getName() + "-in").start(this::readFrames);
            int code = Session.call(s, () -> Main.execute(args));
            Thread.interrupted(); // a signal that came after the guest ended
            if (signalled != 0 && code == Main.RUNTIME_ERROR) code = 128 + signalled; // stopped before its guest started
            try {
                exit(code);
            } catch (IOException e) {
                // the client is gone: nobody to tell
            }
        }

        private record Hello(String[] args, Map<String, String> env, String cwd, int terminals) {}

        private Hello readHello() throws IOException {
            ByteBuffer head = readFully(5);
            int type = head.get() & 0xff;
            int len = head.getInt();
            if (type != 'H') throw new ProtocolException("expected a hello, got frame type " + type);
            if (len < 0 || len > MAX_HELLO) throw new ProtocolException("hello of " + Integer.toUnsignedString(len) + " bytes (at most " + MAX_HELLO + ")");
            ByteBuffer b = readFully(len);
            try {
                int version = b.getInt();
                if (version != VERSION) throw new ProtocolException("client protocol " + version + ", node " + VERSION + " (the client and node are different builds)");
                int terminals = b.getInt() & 7;
                String[] args = strings(b);
                Map<String, String> env = new HashMap<>();
                for (String e : strings(b)) {
                    int eq = e.indexOf('=');
                    if (eq > 0) env.putIfAbsent(e.substring(0, eq), e.substring(eq + 1));
                }
                String cwd = string(b);
                if (b.hasRemaining()) throw new ProtocolException("hello has " + b.remaining() + " bytes too many");
                return new Hello(args, env, cwd, terminals);
            } catch (java.nio.BufferUnderflowException e) {
                throw new ProtocolException("hello cut short");
            }
        }

        private static String[] strings(ByteBuffer b) throws ProtocolException {
            int n = b.getInt();
            if (n < 0 || n > b.remaining() / 4) throw new ProtocolException("count of " + Integer.toUnsignedString(n) + " strings in a hello of " + b.limit() + " bytes");
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(string(b));
            return out.toArray(String[]::new);
        }

        private static String string(ByteBuffer b) throws ProtocolException {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) throw new ProtocolException("string of " + Integer.toUnsignedString(len) + " bytes past the hello's end");
            byte[] s = new byte[len];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        private ByteBuffer readFully(int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new EOFException("the client hung up");
            }
            return b.flip();
        }

        /** The client's frames after the hello: stdin data and signals; its hang-up stops the guest. */
        private void readFrames() {
            try {
                while (true) {
                    ByteBuffer head = readFully(5);
                    int type = head.get() & 0xff;
                    int len = head.getInt();
                    switch (type) {
                        case 'I' -> {
                            if (len < 0 || len > MAX_INPUT) throw new ProtocolException("stdin frame of " + Integer.toUnsignedString(len) + " bytes");
                            input.add(readFully(len).array());
                        }
                        case 'S' -> {
                            if (len != 4) throw new ProtocolException("signal frame of " + len + " bytes");
                            int sig = readFully(4).getInt();
                            if (sig < 1 || sig > 64) throw new ProtocolException("signal " + sig);
                            signal(sig);
                        }
                        default -> throw new ProtocolException("frame type " + type);
                    }
                }
            } catch (ProtocolException e) {
                Console.notice("run socket: session ended: " + e.getMessage());
                hangUp();
            } catch (IOException e) {
                hangUp();
            }
        }

        /** A signal from the client (its terminal's ^C, a kill): to the guest, or, before it runs, to the run. */
        private void signal(int sig) {
            if (signalled == 0) signalled = sig;
            GuestProcess p = guest();
            if (p != null) {
                p.signal(sig);
            } else {
                Thread r = runner;
                if (r != null) r.interrupt(); // still reading or compiling the program
            }
        }

        private GuestProcess guest() {
            Session s = session;
            Instance i = s == null ? null : s.instance;
            return i == null ? null : i.firstProcess().orElse(null);
        }

        /** The client is gone: its guest is stopped, and a pending read of stdin sees end of file. */
        private void hangUp() {
            gone = true;
            input.add(new byte[0]);
            GuestProcess p = guest();
            if (p != null) {
                p.kill();
            } else {
                Thread r = runner;
                if (r != null) r.interrupt();
            }
            closeQuietly(ch);
        }

        void frame(int type, byte[] b) throws IOException {
            frame(type, b, 0, b.length);
        }

        /**
         * Queues a frame for the writer thread. Never writes on the caller's thread: a guest's
         * thread is interrupted when its process is stopped (a signal, a kill), and an interrupt
         * during a channel's write closes the channel (ClosedByInterruptException), which would cut
         * the session off before its exit code. A full queue holds the caller back (a client that
         * reads slowly slows its guest's writes down).
         */
        void frame(int type, byte[] b, int off, int len) throws IOException {
            byte[] f = new byte[5 + len];
            f[0] = (byte) type;
            f[1] = (byte) (len >>> 24);
            f[2] = (byte) (len >>> 16);
            f[3] = (byte) (len >>> 8);
            f[4] = (byte) len;
            System.arraycopy(b, off, f, 5, len);
            queue(f);
        }

        private void queue(byte[] f) throws IOException {
            synchronized (writerLock) {
                if (writer == null) writer = Thread.ofPlatform().daemon().name(Thread.currentThread().getName() + "-out").start(this::writeFrames);
            }
            try {
                while (!outbox.offer(f, 100, TimeUnit.MILLISECONDS)) {
                    if (gone) throw new IOException("the client hung up");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }

        private void writeFrames() {
            try {
                while (true) {
                    byte[] f = outbox.take();
                    if (f.length == 0) { // the end: after the exit frame
                        ch.shutdownOutput();
                        return;
                    }
                    ByteBuffer b = ByteBuffer.wrap(f);
                    while (b.hasRemaining()) ch.write(b);
                }
            } catch (IOException | InterruptedException e) {
                hangUp();
            }
        }

        /** Sends the exit code and waits until every frame before it has been written. */
        void exit(int code) throws IOException {
            frame('X', ByteBuffer.allocate(4).putInt(code).array());
            queue(new byte[0]);
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The guest's standard input: each read asks the client for at most what the guest asked. */
        private final class Input extends InputStream {
            private boolean eof;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (eof || gone) return -1;
                int ask = Math.min(len, MAX_INPUT);
                frame('R', ByteBuffer.allocate(4).putInt(ask).array());
                byte[] got;
                try {
                    got = input.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                if (got.length == 0) {
                    eof = true;
                    return -1;
                }
                if (got.length > ask) throw new ProtocolException("the client sent " + got.length + " bytes of stdin for a read of " + ask);
                System.arraycopy(got, 0, b, off, got.length);
                return got.length;
            }
        }

        /** The guest's stdout or stderr: each write one frame (at most 1 MiB each). */
        private final class Output extends OutputStream {
            private final int type;

            Output(int type) {
                this.type = type;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (gone) throw new IOException("the client hung up");
                for (int done = 0; done < len; ) {
                    int n = Math.min(len - done, 1 << 20);
                    frame(type, b, off + done, n);
                    done += n;
                }
            }
        }
    }
}
