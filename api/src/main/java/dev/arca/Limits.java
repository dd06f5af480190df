package dev.arca;

import java.time.Duration;
import java.util.Objects;

/**
 * Resource limits of an instance, enforced by Arca: linear memory (a process that grows past it
 * is stopped, as a container's memory limit does), open descriptors ({@code EMFILE}), CPU time
 * (the process is stopped), bytes held by in-memory file systems ({@code ENOSPC}), processes
 * ({@code EAGAIN} from spawn) and threads per process ({@code EAGAIN} from thread-spawn). Immutable; made with {@link #builder()}, whose setters refuse a
 * value outside the kernel's bounds with an IllegalArgumentException at once.
 */
public final class Limits {
    private static final dev.arca.kernel.Limits KERNEL_DEFAULT = dev.arca.kernel.Limits.DEFAULT;
    /** Most processes of one instance. */
    static final int MAX_PROCESSES = 4096;

    /** The defaults: memory up to WebAssembly's 32-bit space, 1024 descriptors, no CPU limit, 256 MiB of ramfs, 64 processes, 64 threads per process. */
    public static final Limits DEFAULT = new Limits(KERNEL_DEFAULT, 64, dev.arca.kernel.net.NetworkPolicy.DEFAULT_SOCKETS);

    private final dev.arca.kernel.Limits kernel;
    private final int processes;
    private final int sockets;

    private Limits(dev.arca.kernel.Limits kernel, int processes, int sockets) {
        this.kernel = kernel;
        this.processes = processes;
        this.sockets = sockets;
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Most bytes of linear memory per process. */
    public long memoryBytes() {
        return kernel.memoryBytes();
    }

    /** Most descriptors open at once per process. */
    public int openFiles() {
        return kernel.openFiles();
    }

    /** Most CPU time, or {@link Duration#ZERO} for no limit. */
    public Duration cpuTime() {
        return Duration.ofMillis(kernel.cpuMillis());
    }

    /** Most bytes each in-memory file system of the instance (its root, each ramfs mount) holds. */
    public long ramfsBytes() {
        return kernel.ramBytes();
    }

    /** Most processes, running or not yet waited for, at once. */
    public int processes() {
        return processes;
    }

    /** Most threads of each process at once, its first thread included ({@code EAGAIN} from thread-spawn beyond). */
    public int threads() {
        return kernel.threads();
    }

    /** Most sockets of the instance at once ({@code ENFILE} beyond). */
    public int sockets() {
        return sockets;
    }

    dev.arca.kernel.Limits kernel() {
        return kernel;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && l.kernel.equals(kernel) && l.processes == processes && l.sockets == sockets;
    }

    @Override
    public int hashCode() {
        return (kernel.hashCode() * 31 + processes) * 31 + sockets;
    }

    @Override
    public String toString() {
        return "Limits[memory=" + memoryBytes() + ", openFiles=" + openFiles() + ", cpuTime=" + cpuTime()
                + ", ramfs=" + ramfsBytes() + ", processes=" + processes + ", threads=" + threads() + ", sockets=" + sockets + "]";
    }

    /** Builds {@link Limits}; each setter checks its value against the kernel's own bounds. */
    public static final class Builder {
        private long memory, ramfs, cpuMillis;
        private int openFiles, processes, sockets, threads;

        private Builder(Limits from) {
            memory = from.memoryBytes();
            openFiles = from.openFiles();
            cpuMillis = from.kernel.cpuMillis();
            ramfs = from.ramfsBytes();
            processes = from.processes;
            sockets = from.sockets;
            threads = from.threads();
        }

        /** Linear memory per process, in bytes (rounded down to 64 KiB pages). */
        public Builder memory(long bytes) {
            check(bytes, openFiles, cpuMillis, ramfs);
            memory = bytes;
            return this;
        }

        /** Descriptors per process, at least 3 (the standard streams). */
        public Builder openFiles(int count) {
            check(memory, count, cpuMillis, ramfs);
            openFiles = count;
            return this;
        }

        /** CPU time; {@link Duration#ZERO} for none. A positive time under a millisecond counts as one. */
        public Builder cpuTime(Duration time) {
            Objects.requireNonNull(time, "time");
            if (time.isNegative()) throw new IllegalArgumentException("CPU time limit must not be negative");
            long ms;
            try {
                ms = time.isZero() ? 0 : Math.max(1, time.toMillis());
            } catch (ArithmeticException e) {
                ms = Long.MAX_VALUE;
            }
            check(memory, openFiles, ms, ramfs);
            cpuMillis = ms;
            return this;
        }

        /** Bytes each in-memory file system of the instance may hold. */
        public Builder ramfs(long bytes) {
            check(memory, openFiles, cpuMillis, bytes);
            ramfs = bytes;
            return this;
        }

        /** Processes at once, 1 to 4096. */
        public Builder processes(int count) {
            if (count < 1 || count > MAX_PROCESSES) throw new IllegalArgumentException("process limit must be 1 to " + MAX_PROCESSES);
            processes = count;
            return this;
        }

        /** Threads of each process at once, its first thread included, 1 to 4096 (thread-spawn fails with EAGAIN beyond). */
        public Builder threads(int count) {
            if (count < 1 || count > dev.arca.kernel.Limits.MAX_THREADS) {
                throw new IllegalArgumentException("thread limit must be 1 to " + dev.arca.kernel.Limits.MAX_THREADS);
            }
            threads = count;
            return this;
        }

        /** Sockets of the instance at once, 1 to 1048576. */
        public Builder sockets(int count) {
            if (count < 1 || count > 1 << 20) throw new IllegalArgumentException("socket limit must be 1 to 1048576");
            sockets = count;
            return this;
        }

        /** The limits set so far (each already checked). */
        public Limits build() {
            return new Limits(new dev.arca.kernel.Limits(memory, openFiles, cpuMillis, ramfs, threads), processes, sockets);
        }

        /** The kernel's record checks its bounds (one place for them): the message is its. */
        private static void check(long memory, int openFiles, long cpuMillis, long ramfs) {
            new dev.arca.kernel.Limits(memory, openFiles, cpuMillis, ramfs);
        }
    }
}
