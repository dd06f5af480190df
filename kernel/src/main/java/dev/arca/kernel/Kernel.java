package dev.arca.kernel;

import dev.arca.host.Host;
import dev.arca.kernel.vfs.Vfs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Arca instance's kernel: the host door, the namespace, and the table of processes. It holds
 * no engine state; the syscall layer runs each process and calls in here.
 */
public final class Kernel {
    private final Host host;
    private final Vfs vfs;
    private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(1);
    private volatile ThreadMXBean threads; // loaded on first use: it costs start-up time
    private Thread watchdog;

    public Kernel(Host host, Vfs vfs) {
        this.host = host;
        this.vfs = vfs;
    }

    public Host host() {
        return host;
    }

    public Vfs vfs() {
        return vfs;
    }

    /** Makes a process (not yet running). */
    public Process createProcess(List<String> args, List<String> env, Limits limits) {
        Process p = new Process(this, nextPid.getAndIncrement(), args, env, limits);
        processes.put(p.pid(), p);
        if (limits.cpuMillis() > 0) startWatchdog();
        return p;
    }

    void remove(Process p) {
        processes.remove(p.pid());
    }

    public Process process(int pid) {
        return processes.get(pid);
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
                for (Process p : processes.values()) {
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
