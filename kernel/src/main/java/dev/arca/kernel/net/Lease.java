package dev.arca.kernel.net;

/**
 * Whether an instance may still speak to the world (docs/cluster.md, "Services"): a copy of a
 * cluster service may answer only while the cluster has lately confirmed that it is the copy placed
 * now. A node cut off from the majority cannot learn that its service has moved; its copy would go
 * on answering reads from what it holds while the new copy takes writes. With a lease the kernel
 * holds back such a copy's sends, connects and datagrams to the host from the moment the lease
 * lapses, which is before the cluster can have placed the service anywhere else: they wait for the
 * lease to be renewed, a bounded time, and are refused after it.
 *
 * <p>Checked on every send to the host, so {@link #held} must be cheap (a clock read and a compare).
 */
@FunctionalInterface
public interface Lease {
    /** Whether the instance may send to the host now. */
    boolean held();

    /**
     * While not {@link #held}: the {@link System#nanoTime} from which it has not been, which bounds
     * how long a send waits for it (Network.LEASE_WAIT_MILLIS from then). By default now: each send
     * waits the whole bound.
     */
    default long lapsedSince() {
        return System.nanoTime();
    }

    /** An instance that is no cluster service's copy: it always may. */
    Lease ALWAYS = () -> true;
}
