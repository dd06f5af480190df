package dev.arca.kernel;

/**
 * Resource limits, from the manifest or flags. The first process's limits are the instance's, and
 * every child gets its parent's.
 *
 * @param memoryBytes most linear memory of each process (rounded down to 64 KiB pages); growing
 *     beyond it stops the process
 * @param openFiles most descriptors each process has open at once (EMFILE beyond)
 * @param cpuMillis the instance's CPU time budget: the CPU time of every process (and, with
 *     threads, of every thread), ended ones included, counts against it; when it is spent, every
 *     process of the instance is stopped; 0 for no limit
 * @param ramBytes most bytes the in-memory file systems hold (ENOSPC beyond)
 * @param threads most threads of each process at once, its first thread included (thread-spawn
 *     fails with EAGAIN beyond)
 */
public record Limits(long memoryBytes, int openFiles, long cpuMillis, long ramBytes, int threads) {

    /** WebAssembly's 32-bit address space. */
    public static final long MAX_MEMORY = 1L << 32;

    /** Most threads a process may be allowed. */
    public static final int MAX_THREADS = 4096;

    /** Threads per process when the manifest says nothing. */
    public static final int DEFAULT_THREADS = 64;

    public static final Limits DEFAULT = new Limits(MAX_MEMORY, 1024, 0, 256L << 20, DEFAULT_THREADS);

    /** Limits with the default thread limit. */
    public Limits(long memoryBytes, int openFiles, long cpuMillis, long ramBytes) {
        this(memoryBytes, openFiles, cpuMillis, ramBytes, DEFAULT_THREADS);
    }

    public Limits {
        if (memoryBytes <= 0 || memoryBytes > MAX_MEMORY) throw new IllegalArgumentException("memory limit must be 1 byte to 4 GiB");
        if (openFiles < 3 || openFiles > 1 << 20) throw new IllegalArgumentException("open file limit must be 3 to 1048576");
        if (cpuMillis < 0) throw new IllegalArgumentException("cpu limit must not be negative");
        if (ramBytes < 0) throw new IllegalArgumentException("ramfs limit must not be negative");
        if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("thread limit must be 1 to " + MAX_THREADS);
    }

    /** Linear memory limit in 64 KiB pages. */
    public int memoryPages() {
        return (int) Math.min(65536, memoryBytes >>> 16);
    }
}
