package dev.arca.cluster.linearizability;

import java.util.Objects;

/**
 * One operation of a history: what a client asked, what it was answered, and when.
 *
 * @param id names the operation in reports (a history file's line number, say); unique in a history
 * @param client the client that made the call (reports only: the check does not depend on it)
 * @param input what was asked
 * @param output what was answered; null for a pending operation
 * @param call when the call was made
 * @param returned when the answer came, or {@link #PENDING}
 */
public record Operation<I, O>(long id, long client, I input, O output, long call, long returned) {

    /** The return time of an operation whose answer was never seen. */
    public static final long PENDING = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(input, "input");
        if (returned == PENDING) {
            if (output != null) {
                throw new IllegalArgumentException("operation " + id + ": a pending operation has no output");
            }
        } else {
            Objects.requireNonNull(output, "output");
            if (returned < call) {
                throw new IllegalArgumentException("operation " + id + ": returns at " + returned + ", before its call at " + call);
            }
        }
    }

    /** A completed operation. */
    public static <I, O> Operation<I, O> completed(long id, long client, I input, O output, long call, long returned) {
        return new Operation<>(id, client, input, Objects.requireNonNull(output, "output"), call, returned);
    }

    /** An operation that was called and never seen to return: it took effect after its call, or never. */
    public static <I, O> Operation<I, O> pending(long id, long client, I input, long call) {
        return new Operation<>(id, client, input, null, call, PENDING);
    }

    public boolean pending() {
        return returned == PENDING;
    }
}
