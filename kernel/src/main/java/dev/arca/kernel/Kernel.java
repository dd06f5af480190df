package dev.arca.kernel;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.vfs.Vfs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Arca instance's kernel: the host door, the namespace, and the process table. It holds no
 * engine state; the syscall layer runs each process and calls in here.
 *
 * <p>The process table (the tree, zombies, waiting) is guarded by {@link #table}; waiters wait on
 * it. Lock order: table, then a Process's own monitor.
 */
public final class Kernel {
    /** Exit code for a process that dies of a signal, as a shell reports it: 128 + signal. */
    public static final int SIGNAL_EXIT_BASE = 128;
    /** How often blocked calls re-check for signals, in milliseconds. */
    static final long SIGNAL_POLL_MILLIS = 20;

    private final Host host;
    private final Vfs vfs;
    final Object table = new Object();
    private final Map<Integer, Process> processes = new LinkedHashMap<>(); // guarded by table
    private int nextPid = 1; // guarded by table
    private int live; // processes not yet reaped, guarded by table
    private final int processLimit;
    private final RecordLocks recordLocks = new RecordLocks();
    private volatile ThreadMXBean threads; // loaded on first use: it costs start-up time
    private Thread watchdog;

    public Kernel(Host host, Vfs vfs) {
        this(host, vfs, 64);
    }

    /** @param processLimit most processes (running or zombie) at once */
    public Kernel(Host host, Vfs vfs, int processLimit) {
        this.host = host;
        this.vfs = vfs;
        this.processLimit = processLimit;
    }

    /** Most processes (running or zombie) the instance holds at once. */
    public int processLimit() {
        return processLimit;
    }

    /** The process the current thread runs, if any (set by the syscall layer). */
    private static final ThreadLocal<Process> CURRENT = new ThreadLocal<>();

    public static void bindCurrent(Process p) {
        CURRENT.set(p);
    }

    public static Process current() {
        return CURRENT.get();
    }

    /**
     * For blocking waits: EINTR when the current process has a signal to take or is being
     * stopped, so that the wait returns and the syscall layer can act on it.
     */
    public static void checkInterrupt() throws ErrnoException {
        Process p = CURRENT.get();
        if (Thread.currentThread().isInterrupted() || (p != null && p.hasDeliverableSignal())) {
            throw Errno.EINTR.fail();
        }
    }

    public Host host() {
        return host;
    }

    public Vfs vfs() {
        return vfs;
    }

    private volatile dev.arca.kernel.net.Network network; // set before the first process, or made at first use

    /** The instance's network (sockets, policy); with no policy set, nothing is reachable. */
    public dev.arca.kernel.net.Network network() {
        dev.arca.kernel.net.Network n = network;
        if (n != null) return n;
        synchronized (this) {
            if (network == null) {
                network = new dev.arca.kernel.net.Network(host, dev.arca.kernel.net.NetworkPolicy.none(),
                        line -> System.err.println("arca: network: " + line), line -> System.err.println("arca: security: " + line));
            }
            return network;
        }
    }

    /** Gives the instance its network (before its first process starts). */
    public synchronized void setNetwork(dev.arca.kernel.net.Network n) {
        network = n;
    }

    /** The instance ends: its host sockets are closed. */
    public void close() {
        dev.arca.kernel.net.Network n = network;
        if (n != null) n.close();
    }

    /** fcntl record locks of every process of this instance. */
    public RecordLocks recordLocks() {
        return recordLocks;
    }

    /** Makes the first process (not yet running). */
    public Process createProcess(List<String> args, List<String> env, Limits limits) {
        try {
            return createProcess(null, 0, args, env, limits, null);
        } catch (ErrnoException e) {
            throw new IllegalStateException("the first process cannot pass the process limit", e);
        }
    }

    /**
     * Makes a child of {@code parent} with descriptor table {@code fds} (null: empty). {@code
     * processGroup} 0 keeps the parent's group, -1 starts a new group led by the child. Errors:
     * EAGAIN at the process limit.
     */
    public Process createProcess(Process parent, int processGroup, List<String> args, List<String> env,
            Limits limits, FdTable fds) throws ErrnoException {
        synchronized (table) {
            if (live >= processLimit) throw Errno.EAGAIN.fail("process limit of " + processLimit + " reached");
            int pid = nextPid++;
            int group = processGroup == -1 || parent == null ? pid : processGroup == 0 ? parent.processGroup : processGroup;
            Process p = new Process(this, pid, parent, group, args, env, limits, fds);
            processes.put(pid, p);
            live++;
            if (parent != null) parent.children.add(p);
            if (limits.cpuMillis() > 0) startWatchdog();
            return p;
        }
    }

    public Process process(int pid) {
        synchronized (table) {
            return processes.get(pid);
        }
    }

    /**
     * Records that {@code p} ended with Linux wait status {@code status}: releases its
     * descriptors, makes it a zombie for its parent to reap (or reaps it if it has none),
     * re-parents its children to the first process, and sends the parent SIGCHLD.
     */
    public void exited(Process p, int status) {
        p.fds().closeAll();
        recordLocks.releaseAll(p.pid());
        Process parent;
        synchronized (table) {
            if (p.state != Process.State.RUNNING) return;
            p.waitStatus = status;
            p.state = Process.State.ZOMBIE;
            Process init = processes.get(1);
            for (Process c : p.children) {
                c.parent = init == p ? null : init;
                if (c.parent != null) init.children.add(c);
                else if (c.state == Process.State.ZOMBIE) reap(c);
            }
            p.children.clear();
            parent = p.parent;
            if (parent == null || parent.state != Process.State.RUNNING) reap(p);
            table.notifyAll();
        }
        if (parent != null) parent.deliver(Signals.SIGCHLD);
    }

    /** Requires table. */
    private void reap(Process p) {
        p.state = Process.State.REAPED;
        processes.remove(p.pid());
        live--;
        if (p.parent != null) p.parent.children.remove(p);
    }

    /** What {@link #waitChild} found: a pid and its wait status, or pid 0 with WNOHANG. */
    public record Reaped(int pid, int status) {}

    /**
     * waitpid(2): waits for a child ({@code pid} > 0: that one; -1: any) to end and reaps it.
     * Errors: ECHILD when there is no such child, EINTR when a signal arrives first.
     */
    public Reaped waitChild(Process parent, int pid, boolean noHang) throws ErrnoException {
        synchronized (table) {
            while (true) {
                boolean any = false;
                for (Process c : parent.children) {
                    if (pid > 0 && c.pid() != pid) continue;
                    if (pid < -1 && c.processGroup != -pid) continue;
                    if (pid == 0 && c.processGroup != parent.processGroup) continue;
                    any = true;
                    if (c.state == Process.State.ZOMBIE) {
                        int status = c.waitStatus;
                        reap(c);
                        return new Reaped(c.pid(), status);
                    }
                }
                if (!any) throw Errno.ECHILD.fail("no such child");
                if (noHang) return new Reaped(0, 0);
                if (parent.hasDeliverableSignal()) throw Errno.EINTR.fail();
                try {
                    table.wait(SIGNAL_POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Errno.EINTR.fail();
                }
            }
        }
    }

    /**
     * kill(2) from {@code sender}: {@code pid} > 0 one process, 0 the sender's group, < -1 group
     * -pid. A process may signal itself and its descendants. Errors: ESRCH (no such process),
     * EPERM (not allowed), EINVAL (bad signal).
     */
    public void kill(Process sender, int pid, int sig) throws ErrnoException {
        if (sig < 0 || sig > Signals.MAX) throw Errno.EINVAL.fail("signal " + sig);
        List<Process> targets = new ArrayList<>();
        synchronized (table) {
            if (pid > 0) {
                Process t = processes.get(pid);
                if (t == null || t.state == Process.State.REAPED) throw Errno.ESRCH.fail("pid " + pid);
                if (!mayTouch(sender, t)) throw Errno.EPERM.fail("pid " + pid + " is not the caller or its descendant");
                if (t.state == Process.State.RUNNING) targets.add(t);
            } else if (pid == -1) {
                throw Errno.EPERM.fail("signalling every process is not allowed");
            } else {
                int group = pid == 0 ? sender.processGroup : -pid;
                for (Process t : processes.values()) {
                    if (t.processGroup == group && t.state == Process.State.RUNNING && mayTouch(sender, t)) targets.add(t);
                }
                if (targets.isEmpty()) throw Errno.ESRCH.fail("no process in group " + group);
            }
        }
        if (sig == 0) return;
        for (Process t : targets) t.deliver(sig);
    }

    /** Requires table. */
    private static boolean mayTouch(Process sender, Process target) {
        for (Process p = target; p != null; p = p.parent) {
            if (p == sender) return true;
        }
        return false;
    }

    /** Sends {@code sig} from the kernel itself (SIGPIPE to a writer, and the like). */
    public void signal(Process target, int sig) {
        target.deliver(sig);
    }

    /** Stops every process still running (the first process has ended). */
    public void killAll(String reason) {
        List<Process> all;
        synchronized (table) {
            all = new ArrayList<>(processes.values());
        }
        for (Process p : all) {
            if (p.state == Process.State.RUNNING) p.kill(reason);
        }
    }

    long cpuTime(Thread t) {
        ThreadMXBean b = threads;
        if (b == null) {
            b = ManagementFactory.getThreadMXBean();
            threads = b;
        }
        long ns = t == Thread.currentThread() ? b.getCurrentThreadCpuTime() : b.getThreadCpuTime(t.threadId());
        return Math.max(ns, 0);
    }

    /** Kills each process that has used more CPU time than its limit. */
    private synchronized void startWatchdog() {
        if (watchdog != null) return;
        watchdog = Thread.ofPlatform().daemon().name("arca-cpu-limit").start(() -> {
            while (true) {
                List<Process> all;
                synchronized (table) {
                    all = new ArrayList<>(processes.values());
                }
                for (Process p : all) {
                    long limit = p.limits().cpuMillis();
                    if (limit > 0 && p.thread() != null && p.cpuTimeNanos() > limit * 1_000_000L) {
                        p.kill("CPU time limit of " + limit + " ms exceeded");
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
