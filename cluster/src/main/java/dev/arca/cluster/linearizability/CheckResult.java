package dev.arca.cluster.linearizability;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/** The outcome of a check: one verdict, the outcome of each part, and a report for people. */
public final class CheckResult<I, O> {
    /** How many operations of a prefix, and how many candidates, a report shows. */
    static final int SHOWN = 20;

    private final List<PartitionResult<I, O>> partitions;
    private final int leftOut;
    private final Duration elapsed;
    private final Duration budget;
    private final BiFunction<I, O, String> describe;
    private final Verdict verdict;

    CheckResult(List<PartitionResult<I, O>> partitions, int leftOut, Duration elapsed, Duration budget, BiFunction<I, O, String> describe) {
        this.partitions = List.copyOf(partitions);
        this.leftOut = leftOut;
        this.elapsed = elapsed;
        this.budget = budget;
        this.describe = describe;
        this.verdict = partitions.stream().anyMatch(p -> p.verdict() == Verdict.ILLEGAL) ? Verdict.ILLEGAL
                : partitions.stream().anyMatch(p -> p.verdict() == Verdict.UNKNOWN) ? Verdict.UNKNOWN
                : Verdict.OK;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** Each part's outcome, in the order the parts first appear in the history. */
    public List<PartitionResult<I, O>> partitions() {
        return partitions;
    }

    /** How many operations of the history were left out of the search: pending read-only ones, which constrain nothing. */
    public int leftOut() {
        return leftOut;
    }

    public Duration elapsed() {
        return elapsed;
    }

    private long count(Verdict v) {
        return partitions.stream().filter(p -> p.verdict() == v).count();
    }

    /**
     * The verdict in one text block: its first line is the verdict and the numbers; for ILLEGAL,
     * then for each part that is not linearizable, a longest linearizable prefix (its last
     * operations), the state after it, the operation that could not be linearized and what could
     * have come next instead.
     */
    public String report() {
        int ops = partitions.stream().mapToInt(PartitionResult::operations).sum();
        int pending = partitions.stream().mapToInt(PartitionResult::pending).sum();
        String size = ops + " operations (" + pending + " pending) in " + partitions.size() + (partitions.size() == 1 ? " key" : " keys")
                + (leftOut == 0 ? "" : ", " + leftOut + " pending " + (leftOut == 1 ? "read" : "reads") + " left out");
        String time = String.format(Locale.ROOT, "%.3f s", elapsed.toNanos() / 1e9);
        StringBuilder out = new StringBuilder();
        switch (verdict) {
            case OK -> out.append("linearizable: ").append(size).append(", checked in ").append(time).append('\n');
            case UNKNOWN -> {
                out.append("UNKNOWN (no verdict): ").append(size).append("; ").append(count(Verdict.OK))
                        .append(" linearizable, ").append(count(Verdict.UNKNOWN)).append(" not decided after ").append(time)
                        .append(" (budget ").append(budget.toSeconds()).append(" s)\n");
                for (PartitionResult<I, O> p : partitions) {
                    if (p.verdict() == Verdict.UNKNOWN) {
                        out.append("  ").append(name(p)).append(": ").append(p.unfinished()).append('\n');
                    }
                }
            }
            case ILLEGAL -> {
                out.append("NOT linearizable: ").append(size).append("; ").append(count(Verdict.ILLEGAL)).append(" not linearizable, ")
                        .append(count(Verdict.OK)).append(" linearizable, ").append(count(Verdict.UNKNOWN))
                        .append(" not decided; checked in ").append(time).append('\n');
                for (PartitionResult<I, O> p : partitions) {
                    if (p.verdict() == Verdict.ILLEGAL) {
                        explain(out, p);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String name(PartitionResult<?, ?> p) {
        return p.key().isEmpty() ? "the history" : "key \"" + p.key() + "\"";
    }

    private void explain(StringBuilder out, PartitionResult<I, O> p) {
        Counterexample<I, O> why = p.counterexample();
        Operation<I, O> blocked = why.blocked();
        int prefix = why.prefix().size();
        out.append('\n').append(name(p)).append(" (").append(p.operations()).append(" operations, ").append(p.pending())
                .append(" pending) is not linearizable.\n");
        out.append("  A longest linearizable prefix has ").append(prefix).append(prefix == 1 ? " operation" : " operations");
        if (prefix == 0) {
            out.append(".\n");
        } else {
            out.append(prefix > SHOWN ? " (the last " + SHOWN + " shown)" : "").append(", in linearization order:\n");
            for (Operation<I, O> op : why.prefix().subList(Math.max(0, prefix - SHOWN), prefix)) {
                out.append("    ").append(line(op)).append('\n');
            }
        }
        out.append("  State after it: ").append(why.stateAfterPrefix()).append('\n');
        out.append("  Then this operation returned before it could be linearized after that prefix:\n");
        out.append("    ").append(line(blocked)).append('\n');
        out.append("  What could come next (called by then, not in the prefix):\n");
        List<Counterexample.Candidate<I, O>> candidates = why.candidates();
        for (Counterexample.Candidate<I, O> c : candidates.subList(0, Math.min(SHOWN, candidates.size()))) {
            out.append("    ").append(line(c.operation())).append("   ")
                    .append(c.allowed() ? "allowed (state becomes " + c.stateAfter() + "), but nothing found after it works"
                            : "not allowed in this state")
                    .append('\n');
        }
        if (candidates.size() > SHOWN) {
            out.append("    ... and ").append(candidates.size() - SHOWN).append(" more\n");
        }
    }

    /** One operation: its id, client, interval and what it did. */
    String line(Operation<I, O> op) {
        return String.format(Locale.ROOT, "op %-6d client %-4d [%d, %s]  %s", op.id(), op.client(), op.call(),
                op.pending() ? "pending" : Long.toString(op.returned()), describe.apply(op.input(), op.output()));
    }
}
