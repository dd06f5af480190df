package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Hand-made key-value histories, each with the verdict it must get. */
class LinearizabilityCheckerTest {
    private static final Duration BUDGET = Duration.ofSeconds(30);

    private static CheckResult<KvOperation, KvResult> check(KvHistoryBuilder history) {
        List<Operation<KvOperation, KvResult>> ops = history.build();
        CheckResult<KvOperation, KvResult> result = LinearizabilityChecker.check(KvModel.INSTANCE, ops, BUDGET);
        Witness.assertValid(KvModel.INSTANCE, ops, result);
        return result;
    }

    private static void assertVerdict(Verdict expected, KvHistoryBuilder history) {
        CheckResult<KvOperation, KvResult> result = check(history);
        assertEquals(expected, result.verdict(), result.report());
    }

    @Test
    void emptyHistoryIsLinearizable() {
        CheckResult<KvOperation, KvResult> result = check(new KvHistoryBuilder());
        assertEquals(Verdict.OK, result.verdict());
        assertTrue(result.partitions().isEmpty());
        assertTrue(result.report().startsWith("linearizable: 0 operations"), result.report());
    }

    @Test
    void sequentialHistoryFollowsTheModel() {
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .get(1, "a", null, 0, 1)
                .put(1, "a", "1", 2, 3)
                .append(1, "a", "2", 4, 5)
                .cas(1, "a", "12", "3", true, 6, 7)
                .cas(1, "a", "12", "4", false, 8, 9)
                .get(1, "a", "3", 10, 11)
                .cas(1, "b", null, "x", true, 12, 13)
                .get(1, "b", "x", 14, 15));
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .put(1, "a", "1", 0, 1)
                .cas(1, "a", "1", "2", false, 2, 3)); // it held "1": the cas must have set it
    }

    @Test
    void concurrentOperationsMayTakeEffectInAnyOrder() {
        // the put overlaps both reads: one read sees it, the other (ordered before it) does not
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .put(0, "x", "100", 0, 100)
                .get(1, "x", "100", 25, 75)
                .get(2, "x", null, 30, 60));
        // the reads came one after the other: once the second value has been seen, the first cannot come back
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .put(0, "x", "200", 0, 100)
                .get(1, "x", "200", 10, 30)
                .get(2, "x", null, 40, 90));
        // two overlapping appends: a read may see them in either order, but one order for everyone
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .append(0, "x", "a", 0, 10)
                .append(1, "x", "b", 0, 10)
                .get(2, "x", "ba", 11, 12)
                .get(3, "x", "ba", 13, 14));
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .append(0, "x", "a", 0, 10)
                .append(1, "x", "b", 0, 10)
                .get(2, "x", "ba", 11, 12)
                .get(3, "x", "ab", 13, 14));
    }

    @Test
    void intervalsAreClosed() {
        // the get was called the instant the put returned: they overlap, so either order is fine
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .get(1, "x", null, 10, 20));
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .get(1, "x", null, 11, 20));
    }

    @Test
    void staleReadAfterAWriteCompletedIsIllegal() {
        CheckResult<KvOperation, KvResult> result = check(new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .put(1, "x", "2", 20, 30)
                .get(2, "x", "1", 40, 50));
        assertEquals(Verdict.ILLEGAL, result.verdict());
        Counterexample<KvOperation, KvResult> why = result.partitions().getFirst().counterexample();
        assertEquals(3, why.blocked().id(), result.report());
        assertEquals(List.of(1L, 2L), why.prefix().stream().map(Operation::id).toList());
        assertEquals("\"2\"", why.stateAfterPrefix());
        assertEquals(1, why.candidates().size());
        assertFalse(why.candidates().getFirst().allowed());
    }

    @Test
    void lostAcknowledgedWriteIsIllegal() {
        // both appends were acknowledged before the read began: a read without "a" lost a write
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .append(0, "x", "a", 0, 10)
                .append(1, "x", "b", 20, 30)
                .get(2, "x", "b", 40, 50));
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .get(1, "x", null, 20, 30));
    }

    @Test
    void pendingOperationMayHaveTakenEffect() {
        // the put never answered (a timeout), yet a later read saw it: it took effect
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .pending(0, new KvOperation.Put("x", "1"), 0)
                .get(1, "x", "1", 100, 110));
        // or it took effect long after its client gave up
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .pending(0, new KvOperation.Put("x", "1"), 0)
                .get(1, "x", null, 100, 110)
                .get(1, "x", "1", 1_000, 1_010));
        // or never
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .pending(0, new KvOperation.Put("x", "1"), 0)
                .put(1, "x", "2", 5, 10)
                .get(1, "x", "2", 100, 110));
        // a pending cas, once it took effect, shows in every later read
        assertVerdict(Verdict.OK, new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .pending(1, new KvOperation.Cas("x", "1", "2"), 20)
                .get(2, "x", "2", 30, 40)
                .get(2, "x", "2", 50, 60));
    }

    @Test
    void pendingOperationCannotTakeEffectTwiceOrBeforeItsCall() {
        // once the pending put was seen, it cannot be undone
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .pending(0, new KvOperation.Put("x", "1"), 0)
                .get(1, "x", "1", 100, 110)
                .get(1, "x", null, 200, 210));
        // it takes effect once: one pending append cannot appear twice
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .pending(0, new KvOperation.Append("x", "a"), 0)
                .get(1, "x", "aa", 100, 110));
        // a read that returned before the call cannot see it
        assertVerdict(Verdict.ILLEGAL, new KvHistoryBuilder()
                .get(1, "x", "1", 0, 10)
                .pending(0, new KvOperation.Put("x", "1"), 20));
        // a pending read constrains nothing and is left out
        CheckResult<KvOperation, KvResult> result = check(new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .pending(1, new KvOperation.Get("x"), 5));
        assertEquals(Verdict.OK, result.verdict());
        assertEquals(1, result.partitions().getFirst().operations());
    }

    @Test
    void onlyTheIllegalKeyIsReported() {
        CheckResult<KvOperation, KvResult> result = check(new KvHistoryBuilder()
                .put(0, "a", "1", 0, 10)
                .put(1, "b", "1", 0, 10)
                .put(2, "c", "1", 0, 10)
                .get(0, "a", "1", 20, 30)
                .get(1, "b", null, 20, 30) // b lost its write
                .get(2, "c", "1", 20, 30)
                .append(0, "a", "2", 40, 50)
                .get(1, "a", "12", 60, 70));
        assertEquals(Verdict.ILLEGAL, result.verdict());
        assertEquals("a=OK b=ILLEGAL c=OK", result.partitions().stream()
                .map(p -> p.key() + "=" + p.verdict()).collect(Collectors.joining(" ")));
        String report = result.report();
        assertTrue(report.startsWith("NOT linearizable: 8 operations (0 pending) in 3 keys; 1 not linearizable, 2 linearizable"), report);
        assertTrue(report.contains("key \"b\" (2 operations, 0 pending) is not linearizable"), report);
        assertFalse(report.contains("key \"a\" ("), report);
        assertTrue(report.contains("get(\"b\") -> absent"), report);
        assertNull(result.partitions().getFirst().counterexample());
    }

    @Test
    void reportShowsTheDeepestPrefixAndWhatCouldComeNext() {
        CheckResult<KvOperation, KvResult> result = check(new KvHistoryBuilder()
                .put(0, "x", "1", 0, 10)
                .put(1, "x", "2", 20, 40)
                .put(2, "y", "0", 20, 40)
                .get(3, "x", "3", 25, 30)
                .pending(4, new KvOperation.Put("x", "4"), 21));
        String report = result.report();
        assertEquals(Verdict.ILLEGAL, result.verdict(), report);
        String expected = """
                NOT linearizable: 5 operations (1 pending) in 2 keys; 1 not linearizable, 1 linearizable, 0 not decided; checked in
                key "x" (4 operations, 1 pending) is not linearizable.
                  A longest linearizable prefix has 3 operations, in linearization order:
                    op 1      client 0    [0, 10]  put("x", "1") -> ok
                    op 2      client 1    [20, 40]  put("x", "2") -> ok
                    op 5      client 4    [21, pending]  put("x", "4") -> ? (pending)
                  State after it: "4"
                  Then this operation returned before it could be linearized after that prefix:
                    op 4      client 3    [25, 30]  get("x") -> "3"
                  What could come next (called by then, not in the prefix):
                    op 4      client 3    [25, 30]  get("x") -> "3"   not allowed in this state
                """;
        assertEquals(expected, report.replaceFirst("checked in [0-9.]+ s\n\n", "checked in\n"));
    }

    @Test
    void budgetRunOutGivesUnknownNeverOk() {
        KvHistoryBuilder history = KvHistoryBuilder.beyondAnyBudget();
        long start = System.nanoTime();
        CheckResult<KvOperation, KvResult> result = LinearizabilityChecker.check(KvModel.INSTANCE, history.build(), Duration.ofMillis(300));
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Verdict.UNKNOWN, result.verdict(), result.report());
        assertEquals("the time budget ran out", result.partitions().getFirst().unfinished());
        assertTrue(result.report().startsWith("UNKNOWN (no verdict): 23 operations (22 pending) in 1 key; 0 linearizable, 1 not decided"), result.report());
        // the budget bounds the search (checked every few thousand steps), whatever the machine's load
        assertTrue(took < 10_000, "took " + took + " ms with a 300 ms budget");
    }
}
