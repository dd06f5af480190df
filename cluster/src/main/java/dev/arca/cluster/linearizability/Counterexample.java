package dev.arca.cluster.linearizability;

import java.util.List;

/**
 * Why a part of a history is not linearizable, taken at the deepest point the search reached: a
 * longest prefix it could linearize, and the operation that returned before any continuation of
 * that prefix could include it.
 *
 * @param prefix a longest linearizable prefix found, in linearization order
 * @param stateAfterPrefix the model's state after it, described by the model
 * @param blocked the operation that returned before it could be linearized after the prefix
 * @param candidates every operation that could have come next (called before {@code blocked}
 *     returned and not in the prefix), {@code blocked} among them, each with what the model says of it
 */
public record Counterexample<I, O>(
        List<Operation<I, O>> prefix,
        String stateAfterPrefix,
        Operation<I, O> blocked,
        List<Candidate<I, O>> candidates) {

    public Counterexample {
        prefix = List.copyOf(prefix);
        candidates = List.copyOf(candidates);
    }

    /**
     * An operation that could have been linearized right after the prefix.
     *
     * @param stateAfter the state it would lead to, described; null when the model does not allow
     *     it in the state after the prefix
     */
    public record Candidate<I, O>(Operation<I, O> operation, String stateAfter) {
        public boolean allowed() {
            return stateAfter != null;
        }
    }
}
