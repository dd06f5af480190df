package dev.arca.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.host.LinuxHost;
import dev.arca.kernel.vfs.MountTable;
import dev.arca.kernel.vfs.Vfs;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel's side of threads: ids, the thread limit, per-thread signal masks, signals sent to the
 * process (taken by a thread that does not block them) and to one thread, and what stops every
 * thread. The syscall layer's side (thread-spawn, exit_group) is tests/threads and tests/c/pthread_*.
 */
class GuestThreadTest {
    private static final long USR1 = 1L << Signals.SIGUSR1;
    private Kernel kernel;
    private Process p;

    @BeforeEach
    void setUp() throws Exception {
        MountTable mounts = new MountTable();
        mounts.mount("/", new RamFs(System::currentTimeMillis, 1 << 20), false);
        kernel = new Kernel(new LinuxHost(), new Vfs(mounts), 8);
        p = kernel.createProcess(null, 0, List.of("t"), List.of(), new Limits(1 << 20, 16, 0, 1 << 20, 3), null);
    }

    @AfterEach
    void tearDown() {
        Kernel.bindCurrent(null);
        kernel.shutdown();
    }

    @Test
    void idsComeFromThePidSpaceAndTheLimitCountsTheFirstThread() throws Exception {
        assertEquals(p.pid(), p.mainThread().tid());
        GuestThread a = p.newThread();
        GuestThread b = p.newThread();
        assertNotEquals(a.tid(), b.tid());
        assertNotEquals(p.pid(), a.tid());
        // the next process does not get a thread's id
        Process q = kernel.createProcess(null, 0, List.of("q"), List.of(), Limits.DEFAULT, null);
        assertTrue(q.pid() != a.tid() && q.pid() != b.tid());
        assertEquals(3, p.threadCount());
        ErrnoException e = assertThrows(ErrnoException.class, p::newThread);
        assertEquals(Errno.EAGAIN, e.errno());
        assertTrue(e.getMessage().contains("thread limit of 3"), e.getMessage());
        p.threadEnded(a);
        assertNull(p.thread(a.tid()));
        GuestThread c = p.newThread(); // room again
        assertSame(c, p.thread(c.tid()));
        assertSame(p.mainThread(), p.thread(p.pid()));
    }

    @Test
    void masksArePerThreadAndANewThreadInheritsItsCreators() throws Exception {
        Kernel.bindCurrent(p.mainThread());
        p.setBlocked(USR1);
        GuestThread t = p.newThread();
        Kernel.bindCurrent(t);
        assertEquals(USR1, p.blocked(), "inherited from the thread that made it");
        p.setBlocked(0);
        assertEquals(0, p.blocked());
        Kernel.bindCurrent(p.mainThread());
        assertEquals(USR1, p.blocked(), "the first thread's mask is its own");
    }

    @Test
    void aProcessSignalGoesToAThreadThatDoesNotBlockIt() throws Exception {
        p.setDisposition(Signals.SIGUSR1, Signals.HANDLE);
        Kernel.bindCurrent(p.mainThread());
        p.setBlocked(USR1);
        GuestThread t = p.newThread();
        Kernel.bindCurrent(t);
        p.setBlocked(0);
        Kernel.bindCurrent(null);
        p.deliver(Signals.SIGUSR1);
        Kernel.bindCurrent(p.mainThread());
        assertFalse(p.hasDeliverableSignal(), "blocked in the first thread");
        assertEquals(0, p.takeSignal());
        Kernel.bindCurrent(t);
        assertTrue(p.needsAttention());
        assertTrue(p.hasDeliverableSignal());
        assertEquals(Signals.SIGUSR1, p.takeSignal());
        assertEquals(0, p.takeSignal(), "taken once");
    }

    @Test
    void aSignalBlockedInEveryThreadWaitsForOneToUnblockIt() throws Exception {
        Kernel.bindCurrent(p.mainThread());
        p.setBlocked(USR1);
        GuestThread t = p.newThread(); // inherits the block
        Kernel.bindCurrent(null);
        p.deliver(Signals.SIGUSR1); // default action: terminate, but blocked everywhere
        assertEquals(0, p.fatalSignal());
        Kernel.bindCurrent(t);
        assertEquals(USR1, p.pendingMask());
        p.setBlocked(0);
        assertTrue(p.needsAttention());
        assertEquals(0, p.takeSignal());
        assertEquals(Signals.SIGUSR1, p.fatalSignal(), "its default action, once a thread takes it");
    }

    @Test
    void aThreadSignalGoesToThatThreadOnly() throws Exception {
        p.setDisposition(Signals.SIGUSR1, Signals.HANDLE);
        GuestThread t = p.newThread();
        p.deliverTo(t, Signals.SIGUSR1);
        Kernel.bindCurrent(p.mainThread());
        assertEquals(0, p.pendingMask());
        assertEquals(0, p.takeSignal());
        Kernel.bindCurrent(t);
        assertEquals(USR1, p.pendingMask());
        assertEquals(Signals.SIGUSR1, p.takeSignal());
        Process other = kernel.createProcess(null, 0, List.of("o"), List.of(), Limits.DEFAULT, null);
        assertThrows(IllegalArgumentException.class, () -> other.deliverTo(t, Signals.SIGUSR1));
    }

    @Test
    void aFatalSignalAKillAndAnExitInterruptEveryThread() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process q = kernel.createProcess(null, 0, List.of("q"), List.of(), Limits.DEFAULT, null);
            GuestThread t = q.newThread();
            CountDownLatch attached = new CountDownLatch(2);
            CountDownLatch interrupted = new CountDownLatch(2);
            Runnable sleeper = () -> {
                try {
                    attached.countDown();
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
            };
            Thread main = Thread.ofPlatform().unstarted(sleeper);
            Thread other = Thread.ofPlatform().unstarted(sleeper);
            q.attach(main, false);
            t.attach(other, false);
            main.start();
            other.start();
            attached.await();
            switch (round) {
                case 0 -> q.deliver(Signals.SIGTERM);
                case 1 -> q.kill("a limit");
                default -> q.beginExit();
            }
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "round " + round);
            assertTrue(q.stopping());
            ErrnoException e = assertThrows(ErrnoException.class, q::newThread, "no thread starts in a process that ends");
            assertEquals(Errno.EAGAIN, e.errno());
            q.threadEnded(t);
            q.awaitThreads(); // returns: no other thread is left
        }
    }

    @Test
    void cpuTimeCountsEveryThreadEndedOnesIncluded() throws Exception {
        GuestThread t = p.newThread();
        long[] spent = new long[1];
        Thread worker = Thread.ofPlatform().start(() -> {
            t.attach(Thread.currentThread(), true);
            long until = System.nanoTime() + 50_000_000;
            while (System.nanoTime() < until) spent[0]++;
            p.threadEnded(t);
        });
        worker.join();
        assertTrue(p.cpuTimeNanos() >= 10_000_000, "the ended thread's CPU time stays counted: " + p.cpuTimeNanos());
    }

    /** Spins on this thread for {@code millis} of its CPU time. */
    private static void spin(long millis) {
        java.lang.management.ThreadMXBean b = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = b.getCurrentThreadCpuTime() + millis * 1_000_000;
        long n = 0;
        while (b.getCurrentThreadCpuTime() < until) n++;
        assertTrue(n > 0);
    }

    @Test
    void aChildRunOnItsParentsThreadIsChargedItsOwnTimeAndTheParentTheRest() throws Exception {
        // a parent that suspends itself to run its child on its thread hands the thread's CPU clock
        // reading over (one reading per hand-over): each nanosecond goes to one of them, none twice
        Process child = kernel.createProcess(p, 0, List.of("c"), List.of(), Limits.DEFAULT, null);
        Process next = kernel.createProcess(null, 0, List.of("n"), List.of(), Limits.DEFAULT, null);
        long[] threadTime = new long[2], parentAt = new long[1];
        Thread runner = Thread.ofPlatform().start(() -> {
            java.lang.management.ThreadMXBean b = java.lang.management.ManagementFactory.getThreadMXBean();
            spin(5); // before the parent: charged to no one
            threadTime[0] = b.getCurrentThreadCpuTime();
            p.attach(Thread.currentThread(), true);
            spin(30);
            assertTrue(p.suspend(() -> {}));
            child.attachHandedOver(Thread.currentThread());
            spin(60);
            child.detachHandingBack();
            p.resume();
            spin(30);
            p.detach();
            threadTime[1] = b.getCurrentThreadCpuTime();
            parentAt[0] = p.cpuTimeNanos();
            // the next process on this (pooled) thread reads the clock afresh: the reading the
            // detach above left is not its baseline, and no later hand-over takes it either
            spin(40);
            next.attach(Thread.currentThread(), true);
            next.detach();
            spin(40);
            p.attachHandedOver(Thread.currentThread());
            p.detach();
        });
        runner.join();
        long parent = parentAt[0], kid = child.cpuTimeNanos(), total = threadTime[1] - threadTime[0];
        assertTrue(kid >= 60_000_000 && kid < 90_000_000, "child: " + kid);
        assertTrue(parent >= 60_000_000 && parent < 90_000_000, "parent: " + parent);
        assertTrue(next.cpuTimeNanos() < 20_000_000, "not charged the 40 ms before it: " + next.cpuTimeNanos());
        long last = p.cpuTimeNanos() - parent;
        assertTrue(last >= 0 && last < 20_000_000, "a hand-over after a plain attach and detach counts from its own reading: " + last);
        // the readings lie within [threadTime[0], threadTime[1]]: nothing counted twice, and only
        // the attach and the detach outside them uncounted
        long uncounted = total - (parent + kid);
        assertTrue(uncounted >= 0 && uncounted < 5_000_000, "between the first attach and the last detach, counted once: " + uncounted);
    }
}
