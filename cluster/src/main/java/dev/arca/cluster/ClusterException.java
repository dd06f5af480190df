package dev.arca.cluster;

/** A cluster operation that failed for a reason the operator can act on; the message is one line. */
public final class ClusterException extends Exception {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }
}
