package dev.arca.cluster;

/**
 * How a node runs a service's program: the cluster decides where and when ({@link
 * ServiceSupervisor}), the runner (the CLI's, over the Java API) builds the instance. Kept apart so
 * that the cluster does not depend on the kernel.
 */
public interface ServiceRunner {
    /**
     * Starts {@code service} (its current generation) on this node from {@code module}, the bytes
     * the cluster holds under {@code service.spec().module()}, from {@code standby} when one was
     * prepared for the same spec (the start consumes it; null: prepare now); returns once its
     * program runs. The program may send to the world (answer a client, connect, send a datagram)
     * only while {@code lease} holds: the runner makes its kernel hold those back otherwise (a
     * bounded wait, then a refusal).
     *
     * @throws Exception with a one-line message naming what failed (the key broker, a volume, the
     *     module)
     */
    Running start(ServiceStatus service, byte[] module, Standby standby, Lease lease) throws Exception;

    /** Whether a service's copy may answer now (see {@link ServiceSupervisor}, "Leases"); cheap, called on every send. */
    interface Lease {
        boolean held();

        /** While not {@link #held}: the {@link System#nanoTime} from which it has not been (a send waits a bounded time from then). */
        long lapsedSince();
    }

    /**
     * Does ahead of time what a start needs and a failover should not wait for (on a node that may
     * have to take {@code service} over): its identity, its volume key, its connection to the
     * cluster. Null when the runner prepares nothing.
     */
    default Standby prepare(ServiceStatus service, byte[] module) throws Exception {
        return null;
    }

    /** What {@link #prepare} made; closing it lets go of what it holds (the key, the connection). */
    interface Standby extends AutoCloseable {
        /**
         * Keeps ready what can go stale while the standby waits (its connections to the cluster's
         * members, which a leader change or a restarted member would otherwise make a start open
         * anew); called every few seconds, waits at most {@code millis}.
         */
        default void warm(long millis) {}

        @Override
        void close();
    }

    /** A service's program running on this node. */
    interface Running {
        /** Blocks until the program ends. */
        Exit await() throws InterruptedException;

        /** Kills the program and frees what it holds (its ports, its volumes); returns when they are free. */
        void stop();
    }

    /** How a program ended: its exit code, and a one-line reason when it did not exit by itself. */
    record Exit(int code, String reason) {}
}
