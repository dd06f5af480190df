package dev.arca.kernel.fd;

/**
 * One waiting poll: the objects it watches {@link #wake} it when their readiness may have changed,
 * and it then computes readiness again from the objects themselves (never from what the wake-up
 * said). A wake-up that comes before the wait is kept, so none is lost between the check and
 * the wait.
 */
public final class PollWaiter implements Wakeable {
    private boolean woken; // guarded by this

    /** Something the poll watches changed. */
    @Override
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /**
     * Waits until woken or {@code nanos} pass; returns whether it was woken, and re-arms.
     * Interrupts are left for the caller to see (a kill or signal).
     */
    public synchronized boolean await(long nanos) {
        if (!woken && nanos > 0) {
            try {
                long ms = nanos / 1_000_000;
                wait(ms, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean was = woken;
        woken = false;
        return was;
    }
}
