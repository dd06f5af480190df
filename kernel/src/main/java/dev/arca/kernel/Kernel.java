package dev.arca.kernel;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.FileHandle;
import dev.arca.host.Host;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.net.Network;
import dev.arca.kernel.net.NetworkPolicy;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.vfs.Vfs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * One Arca instance's kernel: the host door, the namespace, the process table, and the making of
 * processes (spawn). It holds no engine state: a {@link ProgramLoader} given by the syscall layer
 * prepares modules and runs them, and the syscall layer calls in here for every guest request.
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
    private final DiagnosticSink diagnostics;
    private final RecordLocks recordLocks = new RecordLocks();
    private volatile ThreadMXBean threads; // loaded on first use: it costs start-up time
    private volatile ProgramLoader loader;
    /** Programs spawned lately, by path, with their bytes (see Spawn). */
    final KnownPrograms programs = new KnownPrograms();
    /** Bytes of modules that spawns are reading or compiling at once (see Spawn). */
    final Semaphore moduleBytes = new Semaphore(Spawn.MAX_MODULE_BYTES);
    private Thread watchdog;
    private java.util.concurrent.ScheduledExecutorService timers; // made on the first alarm, guarded by this
    private long cpuBudgetMillis; // the instance's CPU budget (the first process's limit), guarded by table
    private long reapedCpuNanos; // CPU time of processes no longer in the table, guarded by table
    private String stopReason; // why every process is being stopped, guarded by table

    public Kernel(Host host, Vfs vfs) {
        this(host, vfs, 64);
    }

    /** @param processLimit most processes (running or zombie) at once */
    public Kernel(Host host, Vfs vfs, int processLimit) {
        this(host, vfs, processLimit, DiagnosticSink.STDERR);
    }

    /** @param diagnostics where the instance's traces, notices and internal errors go */
    public Kernel(Host host, Vfs vfs, int processLimit, DiagnosticSink diagnostics) {
        this.host = host;
        this.vfs = vfs;
        this.processLimit = processLimit;
        this.diagnostics = diagnostics;
    }

    /** Most processes (running or zombie) the instance holds at once. */
    public int processLimit() {
        return processLimit;
    }

    /** The guest thread the current Java thread runs, if any (set by the syscall layer). */
    private static final ThreadLocal<GuestThread> CURRENT = new ThreadLocal<>();

    public static void bindCurrent(GuestThread t) {
        CURRENT.set(t);
    }

    /** The process the current Java thread runs, or null. */
    public static Process current() {
        GuestThread t = CURRENT.get();
        return t == null ? null : t.process();
    }

    /** The guest thread the current Java thread runs, or null. */
    public static GuestThread currentThread() {
        return CURRENT.get();
    }

    /** A new id from the pid space, for a thread (thread ids and pids never collide, as on Linux). */
    int allocateId() {
        synchronized (table) {
            return nextPid++;
        }
    }

    /**
     * For blocking waits: EINTR when the current process has a signal to take or is being
     * stopped, so that the wait returns and the syscall layer can act on it.
     */
    public static void checkInterrupt() throws ErrnoException {
        Process p = current();
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

    /** Sets what prepares and runs programs for {@link #spawn} (the syscall layer's runner). */
    public void setLoader(ProgramLoader loader) {
        this.loader = loader;
    }

    /** Where this instance's diagnostics go. */
    public DiagnosticSink diagnostics() {
        return diagnostics;
    }

    private volatile Network network; // set before the first process, or made at first use

    /** The instance's network (sockets, policy); with no policy set, nothing is reachable. */
    public Network network() {
        Network n = network;
        if (n != null) return n;
        synchronized (this) {
            if (network == null) network = new Network(host, NetworkPolicy.none(), diagnostics);
            return network;
        }
    }

    /** Gives the instance its network (before its first process starts). */
    public synchronized void setNetwork(Network n) {
        network = n;
    }


    /** fcntl record locks of every process of this instance. */
    public RecordLocks recordLocks() {
        return recordLocks;
    }

    /** Makes the first process (not yet running), with no descriptors. */
    public Process createProcess(List<String> args, List<String> env, Limits limits) {
        try {
            return createProcess(null, 0, args, env, limits, null);
        } catch (ErrnoException e) {
            throw new IllegalStateException("the first process cannot pass the process limit", e);
        }
    }

    /**
     * Makes the first process (not yet running) with descriptors 0, 1 and 2 on {@code stdio}
     * ({@code terminal[i]}: reported as a character device), and with {@code preopenRoot} the
     * namespace root "/" as descriptor 3; without it the process has no file system at all (as
     * wasmtime without --dir). Errors: EMFILE when the open-file limit is below 4.
     */
    public Process createFirstProcess(List<String> args, List<String> env, Limits limits, FileHandle[] stdio,
            boolean[] terminal, boolean preopenRoot) throws ErrnoException {
        Process p = createProcess(null, 0, args, env, limits, null); // EAGAIN at the process limit
        try {
            for (int i = 0; i < 3; i++) {
                byte type = terminal[i] ? Wasi.FILETYPE_CHARACTER_DEVICE : Wasi.FILETYPE_UNKNOWN;
                var f = new FileDescription(null, stdio[i], type, i == 0, i != 0, 0);
                p.fds().add(new Descriptor(f, Wasi.RIGHTS_TTY, 0, null));
            }
            if (preopenRoot) {
                var f = new FileDescription(vfs.root(), null, Wasi.FILETYPE_DIRECTORY, true, false, 0);
                p.fds().add(new Descriptor(f, Descriptor.rightsFor(Wasi.FILETYPE_DIRECTORY), Wasi.RIGHTS_ALL, "/"));
            }
        } catch (ErrnoException e) {
            exited(p, 0);
            throw e;
        }
        return p;
    }

    /**
     * posix_spawn: starts the program at the absolute guest path {@code path} as a child of {@code
     * parent}, with the parent's descriptors (less close-on-spawn ones) changed by {@code actions}
     * in order. {@code processGroup} 0 keeps the parent's group, -1 starts a new one, N joins N.
     * Errors: ENOENT, EACCES (not a file), ENOEXEC (not a valid module), EAGAIN (process limit),
     * EBADF or EINVAL for bad actions, ENOSYS when no loader is set.
     */
    public Process spawn(Process parent, String path, List<String> args, List<String> env,
            List<Spawn.FileAction> actions, int processGroup) throws ErrnoException {
        return spawn(parent, path, args, env, actions, processGroup, 0, 0);
    }

    /**
     * As above, with the child's signals as execve leaves them ({@link Process#startSignals}): the
     * first thread blocks {@code mask}; what {@code parent} ignores stays ignored but for the
     * signals in {@code toDefault}; everything else is the default.
     */
    public Process spawn(Process parent, String path, List<String> args, List<String> env,
            List<Spawn.FileAction> actions, int processGroup, long mask, long toDefault) throws ErrnoException {
        ProgramLoader l = loader;
        if (l == null) throw Errno.ENOSYS.fail("this kernel runs no programs");
        return Spawn.spawn(this, l, parent, path, args, env, actions, processGroup, mask, toDefault);
    }

    /**
     * Makes a child of {@code parent} with descriptor table {@code fds} (null: empty). {@code
     * processGroup} 0 keeps the parent's group, -1 starts a new group led by the child. The first
     * process's CPU limit becomes the instance's budget. Errors: EAGAIN at the process limit or
     * once the instance is being stopped.
     */
    public Process createProcess(Process parent, int processGroup, List<String> args, List<String> env,
            Limits limits, FdTable fds) throws ErrnoException {
        synchronized (table) {
            if (stopReason != null) throw Errno.EAGAIN.fail("the instance is stopping: " + stopReason);
            if (live >= processLimit) throw Errno.EAGAIN.fail("process limit of " + processLimit + " reached");
            int pid = nextPid++;
            int group = processGroup == -1 || parent == null ? pid : processGroup == 0 ? parent.processGroup : processGroup;
            Process p = new Process(this, pid, parent, group, args, env, limits, fds);
            processes.put(pid, p);
            live++;
            if (parent != null) parent.children.add(p);
            if (parent == null && processes.size() == 1 && limits.cpuMillis() > 0) {
                cpuBudgetMillis = limits.cpuMillis();
                startWatchdog();
            }
            return p;
        }
    }

    /**
     * EAGAIN when no process could be made now: at the process limit, or the instance is being
     * stopped (a spawn's early check, before it does any work; createProcess decides).
     */
    void checkProcessLimit() throws ErrnoException {
        synchronized (table) {
            if (stopReason != null) throw Errno.EAGAIN.fail("the instance is stopping: " + stopReason);
            if (live >= processLimit) throw Errno.EAGAIN.fail("process limit of " + processLimit + " reached");
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
        setAlarm(p, 0, 0);
        synchronized (p) { // the CPU-time timers, without reading the CPU clock (the spawn path counts its system calls)
            p.cpuTimerAt[0] = p.cpuTimerAt[1] = 0;
            if (p.cpuTimerPoll != null) p.cpuTimerPoll.cancel(false);
            p.cpuTimerPoll = null;
        }
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
        reapedCpuNanos += p.cpuTimeNanos();
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

    /** The longest a timer may be set for: about 292 years would overflow the clock's arithmetic. */
    public static final long MAX_TIMER_NANOS = 100L * 365 * 24 * 3600 * 1_000_000_000L;
    /**
     * The timers' resolution: shorter non-zero times are rounded up to it (POSIX allows rounding
     * up to the resolution), so a guest cannot make the kernel's timer thread spin on a period of
     * a few nanoseconds outside the instance's CPU budget.
     */
    public static final long TIMER_RESOLUTION_NANOS = 1_000_000;

    /**
     * setitimer(ITIMER_REAL): arms {@code p}'s real-time timer to send SIGALRM after {@code
     * valueNanos} and then every {@code intervalNanos} (0: once), or disarms it ({@code valueNanos}
     * 0). Returns what the timer it replaces had left: {remaining ns, interval ns}, {0, 0} when
     * disarmed. A process has one such timer; it ends with the process and is not inherited.
     */
    public long[] setAlarm(Process p, long valueNanos, long intervalNanos) {
        if (valueNanos < 0 || intervalNanos < 0 || valueNanos > MAX_TIMER_NANOS || intervalNanos > MAX_TIMER_NANOS) {
            throw new IllegalArgumentException("timer out of range");
        }
        if (valueNanos > 0) valueNanos = Math.max(valueNanos, TIMER_RESOLUTION_NANOS);
        if (intervalNanos > 0) intervalNanos = Math.max(intervalNanos, TIMER_RESOLUTION_NANOS);
        synchronized (p) {
            long[] old = alarmOf(p);
            if (p.alarm != null) p.alarm.cancel(false);
            p.alarm = null;
            long generation = ++p.alarmGeneration;
            if (valueNanos > 0 && p.state == Process.State.RUNNING) {
                p.alarmDeadline = System.nanoTime() + valueNanos;
                p.alarmInterval = intervalNanos;
                p.alarm = timers().schedule(() -> alarmExpired(p, generation), valueNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return old;
        }
    }

    /** getitimer(ITIMER_REAL): {remaining ns, interval ns}, {0, 0} when disarmed. */
    public long[] alarmOf(Process p) {
        synchronized (p) {
            if (p.alarm == null) return new long[] {0, 0};
            return new long[] {Math.max(1, p.alarmDeadline - System.nanoTime()), p.alarmInterval};
        }
    }

    private void alarmExpired(Process p, long generation) {
        synchronized (p) {
            if (p.alarmGeneration != generation || p.alarm == null) return;
            if (p.alarmInterval > 0) {
                // the next expiry keeps to the period, however late this one ran
                p.alarmDeadline += p.alarmInterval;
                long delay = Math.max(0, p.alarmDeadline - System.nanoTime());
                p.alarm = timers().schedule(() -> alarmExpired(p, generation), delay, java.util.concurrent.TimeUnit.NANOSECONDS);
            } else {
                p.alarm = null;
            }
        }
        signal(p, Signals.SIGALRM);
    }

    /** How often an armed CPU-time timer compares the process's CPU time with its expiry (Linux's tick at 250 Hz). */
    public static final long CPU_TIMER_POLL_NANOS = 4_000_000;

    /**
     * setitimer(ITIMER_VIRTUAL) ({@code which} 0) or setitimer(ITIMER_PROF) (1): sends SIGVTALRM
     * or SIGPROF once {@code p} has used {@code valueNanos} more CPU time, then every {@code
     * intervalNanos} of it (0: once), or disarms ({@code valueNanos} 0). Both count the process's
     * CPU time, every thread's (a guest's system calls are Arca's code, run on its thread: no
     * line between user and system time is drawn). Checked every {@link #CPU_TIMER_POLL_NANOS}
     * on the kernel's timer thread, so an expiry is seen up to that late, as Linux sees it at its
     * next tick; expiries missed meanwhile give one signal. Returns the replaced timer's {CPU time
     * left, interval}. Ends with the process; not inherited by a spawned child.
     */
    public long[] setCpuTimer(Process p, int which, long valueNanos, long intervalNanos) {
        if (which < 0 || which > 1 || valueNanos < 0 || intervalNanos < 0 || valueNanos > MAX_TIMER_NANOS || intervalNanos > MAX_TIMER_NANOS) {
            throw new IllegalArgumentException("timer out of range");
        }
        if (valueNanos > 0) valueNanos = Math.max(valueNanos, TIMER_RESOLUTION_NANOS);
        if (intervalNanos > 0) intervalNanos = Math.max(intervalNanos, TIMER_RESOLUTION_NANOS);
        long now = p.cpuTimeNanos();
        synchronized (p) {
            long[] old = cpuTimerOf(p, which, now);
            boolean arm = valueNanos > 0 && p.state == Process.State.RUNNING;
            p.cpuTimerAt[which] = arm ? now + valueNanos : 0;
            p.cpuTimerInterval[which] = arm ? intervalNanos : 0;
            boolean armed = p.cpuTimerAt[0] != 0 || p.cpuTimerAt[1] != 0;
            if (armed && p.cpuTimerPoll == null) {
                p.cpuTimerPoll = timers().scheduleAtFixedRate(() -> pollCpuTimers(p), CPU_TIMER_POLL_NANOS, CPU_TIMER_POLL_NANOS,
                        java.util.concurrent.TimeUnit.NANOSECONDS);
            } else if (!armed && p.cpuTimerPoll != null) {
                p.cpuTimerPoll.cancel(false);
                p.cpuTimerPoll = null;
            }
            return old;
        }
    }

    /** getitimer(ITIMER_VIRTUAL or ITIMER_PROF): {CPU time left in ns, interval ns}, {0, 0} when disarmed. */
    public long[] cpuTimerOf(Process p, int which) {
        return cpuTimerOf(p, which, p.cpuTimeNanos());
    }

    private static long[] cpuTimerOf(Process p, int which, long now) {
        synchronized (p) {
            if (p.cpuTimerAt[which] == 0) return new long[] {0, 0};
            return new long[] {Math.max(1, p.cpuTimerAt[which] - now), p.cpuTimerInterval[which]};
        }
    }

    private void pollCpuTimers(Process p) {
        long now = p.cpuTimeNanos();
        boolean virtual = false, prof = false;
        synchronized (p) {
            for (int w = 0; w < 2; w++) {
                long at = p.cpuTimerAt[w];
                if (at == 0 || now < at) continue;
                if (w == 0) virtual = true;
                else prof = true;
                long interval = p.cpuTimerInterval[w];
                // the next expiry keeps to the period; expiries already passed give this one signal
                p.cpuTimerAt[w] = interval == 0 ? 0 : Math.max(at + interval, now + 1);
            }
            if (p.state != Process.State.RUNNING || (p.cpuTimerAt[0] == 0 && p.cpuTimerAt[1] == 0)) {
                p.cpuTimerAt[0] = p.cpuTimerAt[1] = 0;
                if (p.cpuTimerPoll != null) p.cpuTimerPoll.cancel(false);
                p.cpuTimerPoll = null;
            }
        }
        if (virtual) signal(p, Signals.SIGVTALRM);
        if (prof) signal(p, Signals.SIGPROF);
    }

    private synchronized java.util.concurrent.ScheduledExecutorService timers() {
        if (timers == null) {
            timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().daemon().name("arca-timers").unstarted(r));
        }
        return timers;
    }

    /** Sends {@code sig} from the kernel itself (SIGPIPE to a writer, and the like). */
    public void signal(Process target, int sig) {
        target.deliver(sig);
    }

    /**
     * Stops every process of the instance for {@code reason} (the first process has ended, or a
     * limit of the instance is spent), and makes no new one from now on. The first reason given
     * is the one kept.
     */
    public void killAll(String reason) {
        List<Process> all = new ArrayList<>();
        synchronized (table) {
            if (stopReason == null) stopReason = reason;
            for (Process p : processes.values()) {
                if (p.state == Process.State.RUNNING) all.add(p);
            }
        }
        for (Process p : all) p.kill(stopReason);
    }

    /** Why every process is being stopped ({@link #killAll}), or null while the instance runs. */
    public String stopReason() {
        synchronized (table) {
            return stopReason;
        }
    }

    /** CPU time used by every process of the instance so far, ended ones included. */
    public long cpuTimeNanos() {
        synchronized (table) {
            long n = reapedCpuNanos;
            for (Process p : processes.values()) n += p.cpuTimeNanos();
            return n;
        }
    }

    /**
     * Waits until no process is left (every one has ended and been reaped), at most {@code
     * timeoutMillis}. Returns whether none is left. For whoever closes the instance: after
     * {@link #killAll}, this is when nothing uses its file systems any more.
     */
    public boolean awaitNoProcesses(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (table) {
            while (live > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                table.wait(Math.min(left, SIGNAL_POLL_MILLIS));
            }
            return true;
        }
    }

    /** Ends the kernel's own threads (the CPU-limit watchdog, the network pump) and closes its host sockets. */
    public synchronized void shutdown() {
        if (watchdog != null) watchdog.interrupt();
        if (timers != null) timers.shutdownNow();
        Network n = network;
        if (n != null) n.close();
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

    /** Stops the instance once its processes together have used more CPU time than its budget. */
    private synchronized void startWatchdog() {
        if (watchdog != null) return;
        watchdog = Thread.ofPlatform().daemon().name("arca-cpu-limit").start(() -> {
            long limit;
            synchronized (table) {
                limit = cpuBudgetMillis;
            }
            while (stopReason() == null) {
                if (cpuTimeNanos() > limit * 1_000_000L) {
                    killAll("CPU time limit of " + limit + " ms exceeded");
                    return;
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
