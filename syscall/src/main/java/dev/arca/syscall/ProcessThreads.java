package dev.arca.syscall;

import dev.arca.kernel.Process;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run processes, each with a stack large enough for deep guest recursion
 * ({@link ProcessRunner#STACK_BYTES}). A thread that has run a process stays idle for a while
 * and runs the next one, so a spawn does not pay for making a thread; the most recently idle
 * thread is taken first (its stack and caches are warm). A thread can declare itself idle while
 * it finishes its process ({@link #idleSoon}): a spawn that comes meanwhile is run right after,
 * on this thread, instead of on a new one (a parent woken by its child's end spawns again before
 * the child's thread is back: with a plain pool, a new thread for nearly every spawn). And a
 * timer starts children whose parent neither waited for them nor made another call in time
 * ({@link #startLater}).
 */
final class ProcessThreads {
    private ProcessThreads() {}

    /** How long an idle thread waits for work before it ends. */
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger NUMBER = new AtomicInteger();
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();
    /** Put in a worker's slot when it ends, so that nothing is handed to it after. */
    private static final Runnable RETIRED = () -> {};

    /** Runs {@code task} on an idle thread, or on a new one. */
    static void execute(Runnable task) {
        Worker w;
        while ((w = IDLE.pollFirst()) != null) {
            if (w.offer(task)) return;
        }
        Worker fresh = new Worker(task);
        Thread.ofPlatform().daemon().name("arca-process-" + NUMBER.incrementAndGet()).stackSize(ProcessRunner.STACK_BYTES)
                .start(fresh);
    }

    /**
     * From a process thread that is about to finish its task: it may be given the next one now
     * (it runs it once this one returns). Elsewhere, or within {@link #runNested}: nothing.
     */
    static void idleSoon() {
        Worker w = CURRENT.get();
        if (w != null && w.nesting == 0) w.idle();
    }

    /** Runs {@code task} here, inside the task this thread runs now (a process's child). */
    static void runNested(Runnable task) {
        Worker w = CURRENT.get();
        if (w != null) w.nesting++;
        try {
            task.run();
        } finally {
            if (w != null) w.nesting--;
        }
    }

    // ---- starting later ----------------------------------------------------------------------

    private record Later(Process process, long deadline) {}

    /** Processes to start on their own threads at their deadlines, in order (one delay for all). */
    private static final Queue<Later> LATER = new ConcurrentLinkedQueue<>();
    private static volatile Thread timer;
    private static volatile boolean timerAsleep;
    /** How long the timer stays awake with nothing to do, so that a run of spawns does not wake it each time. */
    private static final long TIMER_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** Starts {@code p} on its own thread after {@code delayNanos}, unless it has started by then. */
    static void startLater(Process p, long delayNanos) {
        LATER.add(new Later(p, System.nanoTime() + delayNanos));
        Thread t = timer;
        if (t == null) {
            synchronized (LATER) {
                if (timer == null) timer = Thread.ofPlatform().daemon().name("arca-spawn-timer").start(ProcessThreads::timer);
            }
        } else if (timerAsleep) {
            LockSupport.unpark(t);
        }
    }

    private static void timer() {
        long idleSince = System.nanoTime();
        while (true) {
            Later next = LATER.peek();
            // processes started meanwhile (most: a parent that spawns and waits runs its child at
            // once) leave without waiting for their deadlines, so a run of spawns wakes the timer
            // once per delay, not once per spawn (a wake-up per spawn took a tenth of a core)
            while (next != null && !next.process().startPending()) {
                LATER.poll();
                next = LATER.peek();
            }
            long now = System.nanoTime();
            if (next == null) {
                if (now - idleSince > TIMER_LINGER_NANOS) {
                    timerAsleep = true;
                    if (LATER.isEmpty()) LockSupport.park();
                    timerAsleep = false;
                    idleSince = System.nanoTime();
                } else {
                    LockSupport.parkNanos(ProcessRunner.START_DELAY_NANOS);
                }
            } else if (next.deadline() - now <= 0) {
                LATER.poll();
                ProcessRunner.startOnOwnThread(next.process());
                idleSince = now;
            } else {
                LockSupport.parkNanos(next.deadline() - now);
            }
            Thread.interrupted();
        }
    }

    private static final class Worker implements Runnable {
        private final AtomicReference<Runnable> slot = new AtomicReference<>(); // the next task, or RETIRED
        private volatile Thread thread;
        private boolean idle; // in IDLE or given a task since; only this worker's thread reads or writes it
        private int nesting; // tasks run inside the current one (runNested); only this worker's thread

        Worker(Runnable first) {
            slot.set(first);
        }

        boolean offer(Runnable task) {
            if (!slot.compareAndSet(null, task)) return false;
            LockSupport.unpark(thread);
            return true;
        }

        void idle() {
            if (idle) return;
            idle = true;
            IDLE.addFirst(this);
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            CURRENT.set(this);
            Runnable task;
            while ((task = next()) != null) {
                try {
                    task.run();
                } catch (Throwable e) {
                    // reported as an uncaught exception is; the thread goes on (it may be in IDLE already)
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
                }
                Thread.interrupted(); // a kill that arrived as the process ended is not the next one's
            }
        }

        /** The next task, waiting for it while idle; null when none came within the keep-alive. */
        private Runnable next() {
            Runnable t = slot.get();
            if (t != null && !idle) { // the first task
                slot.set(null);
                return t;
            }
            idle();
            long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
            while (true) {
                t = slot.get();
                if (t != null) {
                    slot.set(null);
                    idle = false;
                    return t;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (slot.compareAndSet(null, RETIRED)) {
                        IDLE.remove(this);
                        return null;
                    }
                    continue; // a task came just now
                }
                LockSupport.parkNanos(this, left);
                Thread.interrupted();
            }
        }
    }
}
