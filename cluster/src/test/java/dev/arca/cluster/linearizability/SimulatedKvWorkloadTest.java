package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Histories of a larger, linearizable-by-construction run: OK as made, ILLEGAL with one read altered. */
class SimulatedKvWorkloadTest {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void simulatedRunIsLinearizableAndOneAlteredReadIsNot() {
        List<Operation<KvOperation, KvResult>> history =
                SimulatedKvWorkload.generate(new SimulatedKvWorkload.Shape(4_000, 8, 5, 0.02, true), 42);
        CheckResult<KvOperation, KvResult> result = LinearizabilityChecker.check(KvModel.INSTANCE, history, BUDGET);
        assertEquals(Verdict.OK, result.verdict(), result.report());
        assertEquals(5, result.partitions().size());
        Witness.assertValid(KvModel.INSTANCE, history, result);
        assertTrue(history.stream().anyMatch(o -> o.pending() && !(o.input() instanceof KvOperation.Get)), "no pending write in the run");
        assertTrue(history.stream().anyMatch(o -> o.output() instanceof KvResult.Mismatch), "no failed cas in the run");

        // the 1000th operation that is a completed get on k3 now reads a value no one wrote
        List<Operation<KvOperation, KvResult>> altered = new ArrayList<>(history);
        int seen = 0;
        for (int i = 0; i < altered.size(); i++) {
            Operation<KvOperation, KvResult> o = altered.get(i);
            if (o.input() instanceof KvOperation.Get g && g.key().equals("k3") && !o.pending() && ++seen == 100) {
                altered.set(i, Operation.completed(o.id(), o.client(), o.input(), new KvResult.Read("never written"), o.call(), o.returned()));
            }
        }
        result = LinearizabilityChecker.check(KvModel.INSTANCE, altered, BUDGET);
        assertEquals(Verdict.ILLEGAL, result.verdict(), result.report());
        assertEquals("k0=OK k1=OK k2=OK k3=ILLEGAL k4=OK", result.partitions().stream()
                .sorted(java.util.Comparator.comparing(PartitionResult::key))
                .map(p -> p.key() + "=" + p.verdict()).collect(Collectors.joining(" ")));
        assertTrue(result.report().contains("-> \"never written\"   not allowed in this state"), result.report());
    }
}
