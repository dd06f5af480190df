package dev.arca.kernel.net;

import dev.arca.host.Host;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The instance's network pump: one thread with one selector over every host socket of the
 * instance. It moves bytes between host connections and the kernel's stream buffers, accepts host
 * connections for listening sockets, completes connects and runs TLS. Guests never touch a host
 * socket; they only wait on the buffers. Work for the pump from other threads goes through
 * {@link #execute}; a {@link Client}'s methods run on the pump thread only, so they need no lock
 * among themselves.
 */
final class NetPump implements Runnable {
    /** Something registered with the pump. */
    interface Client {
        /** Its channel is ready for the operations in {@code key.readyOps()}. */
        void ready(SelectionKey key);

        /** Called about once a second, for deadlines (closing connections, handshakes). */
        default void tick(long now) {}
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Work the pump gives itself (a buffer it filled or drained): run before the next select, no wakeup. */
    private final ArrayDeque<Runnable> ownTasks = new ArrayDeque<>();
    private final Thread thread;
    private final Consumer<String> log;
    private volatile boolean stopped;

    NetPump(Host host, Consumer<String> log) throws IOException {
        this.selector = host.openSelector();
        this.log = log;
        this.thread = Thread.ofPlatform().daemon().name("arca-net").unstarted(this);
        thread.start();
    }

    boolean onPumpThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code r} on the pump thread, soon. From the pump thread itself it is only queued: the
     * loop runs it before it selects again, so waking the selector (a system call, and a select
     * that returns at once) would be wasted.
     */
    void execute(Runnable r) {
        if (stopped) return;
        if (Thread.currentThread() == thread) {
            ownTasks.add(r);
            return;
        }
        tasks.add(r);
        selector.wakeup();
    }

    /** Requires the pump thread. */
    SelectionKey register(SelectableChannel ch, int ops, Client c) throws IOException {
        return ch.register(selector, ops, c);
    }

    @Override
    public void run() {
        long lastTick = System.nanoTime();
        try {
            while (!stopped) {
                if (ownTasks.isEmpty()) selector.select(1000);
                else selector.selectNow();
                Runnable r;
                while ((r = tasks.poll()) != null) runSafely(r);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) continue;
                    Client c = (Client) k.attachment();
                    runSafely(() -> {
                        try {
                            c.ready(k);
                        } catch (CancelledKeyException e) {
                            // closed meanwhile
                        }
                    });
                }
                while ((r = ownTasks.poll()) != null) runSafely(r);
                long now = System.nanoTime();
                if (now - lastTick >= 1_000_000_000L) {
                    lastTick = now;
                    for (SelectionKey k : selector.keys()) {
                        if (k.isValid() && k.attachment() instanceof Client c) runSafely(() -> c.tick(now));
                    }
                }
            }
        } catch (ClosedSelectorException | IOException e) {
            if (!stopped) log.accept("network pump stopped: " + e.getMessage());
        } finally {
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException ignored) {
                    // the instance is ending
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** A failure in one connection's handling must not stop the pump for the others. */
    private void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.accept("network pump: " + e);
        }
    }

    /** Closes every host socket of the instance and ends the thread. */
    void stop() {
        stopped = true;
        selector.wakeup();
    }
}
