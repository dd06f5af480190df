package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks, independently of the search, that a linearization the checker returned is one. */
final class Witness {
    private Witness() {}

    /** Asserts that each OK part's linearization is legal, respects real time, and has every completed operation. */
    static <S, I, O> void assertValid(Model<S, I, O> model, List<Operation<I, O>> history, CheckResult<I, O> result) {
        Set<Operation<I, O>> placed = new HashSet<>();
        for (PartitionResult<I, O> part : result.partitions()) {
            if (part.verdict() != Verdict.OK) {
                continue;
            }
            S state = model.init();
            long latestCall = Long.MIN_VALUE;
            for (Operation<I, O> op : part.linearization()) {
                assertEquals(part.key(), model.partition(op.input()), "operation " + op.id() + " in the wrong part");
                assertTrue(placed.add(op), "operation " + op.id() + " linearized twice");
                // every operation before it in the order was called no later than it returned
                latestCall = Math.max(latestCall, op.call());
                if (op.returned() < latestCall) {
                    fail("operation " + op.id() + " returned at " + op.returned() + " but is ordered after a call at " + latestCall);
                }
                Optional<S> next = model.step(state, op.input(), op.output());
                if (next.isEmpty()) {
                    fail("operation " + op.id() + " is not allowed in state " + model.describeState(state));
                }
                state = next.get();
            }
        }
        for (Operation<I, O> op : history) {
            String key = model.partition(op.input());
            boolean partOk = result.partitions().stream().anyMatch(p -> p.key().equals(key) && p.verdict() == Verdict.OK);
            if (partOk && !op.pending()) {
                assertTrue(placed.contains(op), "completed operation " + op.id() + " is missing from the linearization");
            }
        }
    }
}
