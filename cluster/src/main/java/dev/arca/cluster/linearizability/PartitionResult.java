package dev.arca.cluster.linearizability;

import java.util.List;

/**
 * The outcome of the search over one part of a history (one key).
 *
 * @param key the part's name ({@link Model#partition})
 * @param verdict OK, ILLEGAL, or UNKNOWN when the search did not finish
 * @param operations how many operations the part has (pending read-only ones left out)
 * @param pending how many of them are pending
 * @param linearization when OK: the operations in an order the model accepts, each inside its
 *     interval; the pending operations left out of it never took effect. Otherwise empty.
 * @param counterexample when ILLEGAL: why the search failed; otherwise null
 * @param unfinished when UNKNOWN: what ran out; otherwise null
 */
public record PartitionResult<I, O>(
        String key,
        Verdict verdict,
        int operations,
        int pending,
        List<Operation<I, O>> linearization,
        Counterexample<I, O> counterexample,
        String unfinished) {

    public PartitionResult {
        linearization = List.copyOf(linearization);
        if ((verdict == Verdict.ILLEGAL) != (counterexample != null) || (verdict == Verdict.UNKNOWN) != (unfinished != null)) {
            throw new IllegalArgumentException("a " + verdict + " result of part " + key + " with the wrong details");
        }
    }
}
