package dev.arca;

import dev.arca.kernel.Process;
import dev.arca.syscall.ProcessRunner;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process of a running {@link Instance}, started from Java ({@link Instance#start}, {@link
 * Instance#spawn}). It runs on a thread of its own; this handle waits for it and can stop it.
 * Thread-safe.
 */
public final class GuestProcess {
    private final Process process;
    private final CompletableFuture<dev.arca.syscall.ExitStatus> raw; // completes before exit
    private final CompletableFuture<ExitStatus> exit;

    GuestProcess(ProcessRunner.Started started) {
        this.process = started.process();
        this.raw = started.exit();
        this.exit = raw.thenApply(GuestProcess::status);
    }

    /**
     * The syscall layer reports a module that could not be instantiated as status 125 with a
     * signal (the status its parent would see is SIGABRT's); a guest's own exit(125) has none.
     */
    private static boolean notStarted(dev.arca.syscall.ExitStatus s) {
        return s.code() == dev.arca.syscall.ExitStatus.RUNTIME_ERROR && s.signal() != 0;
    }

    private static ExitStatus status(dev.arca.syscall.ExitStatus s) {
        if (notStarted(s)) return new ExitStatus(ExitStatus.NOT_STARTED, 0, s.message());
        return new ExitStatus(s.code(), s.signal(), s.message());
    }

    /** Its process id in the instance (the first process is 1). */
    public int pid() {
        return process.pid();
    }

    /** Whether it has not ended yet. */
    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Waits for it to end. Errors: InterruptedException when this thread is interrupted (it runs on). */
    public ExitStatus waitFor() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the process's thread failed", e.getCause());
        }
    }

    /** Waits at most {@code timeout} for it to end; empty if it is still running then. */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE; // centuries: as good as for ever
        }
        try {
            return Optional.of(exit.get(nanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the process's thread failed", e.getCause());
        }
    }

    /** Completes with its status when it ends (a copy: completing it changes nothing here). */
    public CompletableFuture<ExitStatus> onExit() {
        return exit.thenApply(s -> s);
    }

    /**
     * Stops it, as the kernel stops a process at a limit: it ends at its next call or loop
     * back-edge with status 137 and reason {@code "killed: stopped by the embedder"}. Its children
     * go on (as orphans). Nothing happens if it has ended already.
     */
    public void kill() {
        if (isAlive()) process.kill("stopped by the embedder");
    }

    /**
     * Sends it signal {@code sig} (1 to 64) as {@code kill(2)} from outside the instance would: a
     * handler it installed runs at its next call, otherwise the signal's default action (SIGINT:
     * it ends with status 128+2). Nothing happens if it has ended already. Errors:
     * IllegalArgumentException for a number outside 1 to 64.
     */
    public void signal(int sig) {
        if (sig < 1 || sig > 64) throw new IllegalArgumentException("signal " + sig + ": 1 to 64");
        if (isAlive()) process.kernel().signal(process, sig);
    }

    /** Whether it ended because its module could not be instantiated. */
    boolean failedToStart() {
        return raw.isDone() && notStarted(raw.join());
    }

    CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    Process process() {
        return process;
    }

    @Override
    public String toString() {
        return "GuestProcess[pid " + pid() + (isAlive() ? ", running" : ", ended") + "]";
    }
}
