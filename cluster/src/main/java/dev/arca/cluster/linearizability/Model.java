package dev.arca.cluster.linearizability;

import java.util.Objects;
import java.util.Optional;

/**
 * The sequential specification of an object: what one atomic copy of it does with each operation.
 *
 * <p>States must be immutable and never null; {@link #equal} and {@link #hash} must agree (the
 * checker's memo of visited (linearized set, state) pairs relies on them). By default they are the
 * state's own {@code equals} and {@code hashCode}, right for records, strings and {@code Optional}.
 *
 * @param <S> the state of the object
 * @param <I> an operation's input (what was asked)
 * @param <O> an operation's output (what was answered)
 */
public interface Model<S, I, O> {

    /** The state before any operation. */
    S init();

    /**
     * Applies one operation to a state.
     *
     * @param output what the operation answered, or null when it is pending (no answer was seen): the
     *     step must then accept any answer the operation could have given
     * @return the state after the operation, or empty when the operation could not have answered
     *     {@code output} in {@code state}
     */
    Optional<S> step(S state, I input, O output);

    /**
     * The part of the history an operation belongs to: operations of different parts never affect
     * each other (such as operations on different keys), so each part is checked on its own, which
     * is exponentially cheaper. Sound because linearizability is local (Herlihy and Wing, 1990): a
     * history is linearizable exactly when the history of each object in it is. The default puts
     * everything in one part.
     */
    default String partition(I input) {
        return "";
    }

    /**
     * True when the operation never changes the state (a read). A pending read-only operation
     * constrains nothing, so the checker leaves it out.
     */
    default boolean readOnly(I input) {
        return false;
    }

    default boolean equal(S a, S b) {
        return a.equals(b);
    }

    default int hash(S state) {
        return state.hashCode();
    }

    /** One line for an operation, such as {@code get("a") -> "1"}; output is null when pending. */
    default String describe(I input, O output) {
        return input + " -> " + (output == null ? "?" : output);
    }

    default String describeState(S state) {
        return Objects.toString(state);
    }
}
