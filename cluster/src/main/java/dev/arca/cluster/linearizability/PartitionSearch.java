package dev.arca.cluster.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The Wing-Gong search with Lowe's memo over one part of a history. Not thread-safe: one search,
 * one thread.
 *
 * <p>The history is a list of events (each operation's call, and its return unless pending) in
 * time order, calls before returns at equal times (intervals are closed). The search keeps the
 * events not yet linearized in a doubly linked list and walks it from the front: at a call, it
 * tries to apply that operation to the current state; if the model allows it and the memo has not
 * seen the resulting (linearized set, state), it linearizes it (takes its call and return out of
 * the list, pushes it) and starts again from the front. At a return, the operation it belongs to
 * was not linearized before it returned, so the last choice was wrong: pop it, put its events back,
 * and try the next call after it. The history is linearizable when every completed operation is
 * linearized; it is not when a return is reached with nothing to pop. Pending operations have no
 * return event, so the search is never forced to linearize them.
 */
final class PartitionSearch<S, I, O> {
    private static final int END = -1;
    private static final int CHECK_EVERY = 1 << 12;
    /** A rough cost of one memo entry besides its bitset: the entry, its set slot, the state. */
    private static final long MEMO_ENTRY_BYTES = 96;

    private final Model<S, I, O> model;
    private final String key;
    private final List<Operation<I, O>> ops;
    private final int n;
    private final int completed;
    /** events in time order, each encoded as operation index * 2 + (1 if return) */
    private final int[] events;
    private final int[] callAt;
    private final int[] returnAt;
    /** the list of events not linearized: links between positions in {@code events}; head is events.length */
    private final int[] next;
    private final int[] prev;
    private final int head;
    /** a random 64-bit word per operation: the XOR of those of the linearized set is its hash */
    private final long[] setWords;

    PartitionSearch(Model<S, I, O> model, String key, List<Operation<I, O>> ops) {
        this.model = model;
        this.key = key;
        this.ops = ops;
        this.n = ops.size();
        int done = 0;
        for (Operation<I, O> op : ops) {
            if (!op.pending()) {
                done++;
            }
        }
        this.completed = done;
        int m = n + done;
        Integer[] sorted = new Integer[m];
        int k = 0;
        for (int i = 0; i < n; i++) {
            sorted[k++] = i * 2;
            if (!ops.get(i).pending()) {
                sorted[k++] = i * 2 + 1;
            }
        }
        Arrays.sort(sorted, (a, b) -> {
            int c = Long.compare(time(a), time(b));
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a & 1, b & 1); // calls (0) before returns (1): closed intervals
            return c != 0 ? c : Integer.compare(a, b);
        });
        events = new int[m];
        callAt = new int[n];
        returnAt = new int[n];
        Arrays.fill(returnAt, END);
        for (int p = 0; p < m; p++) {
            int e = sorted[p];
            events[p] = e;
            if ((e & 1) == 0) {
                callAt[e >> 1] = p;
            } else {
                returnAt[e >> 1] = p;
            }
        }
        head = m;
        next = new int[m + 1];
        prev = new int[m + 1];
        for (int p = 0; p < m; p++) {
            next[p] = p + 1 < m ? p + 1 : END;
            prev[p] = p == 0 ? head : p - 1;
        }
        next[head] = m > 0 ? 0 : END;
        prev[head] = END;
        SplittableRandom random = new SplittableRandom(0x5eed_11ea_4ab1eL);
        setWords = new long[n];
        for (int i = 0; i < n; i++) {
            setWords[i] = random.nextLong();
        }
    }

    private long time(int event) {
        Operation<I, O> op = ops.get(event >> 1);
        return (event & 1) == 0 ? op.call() : op.returned();
    }

    /**
     * Runs the search.
     *
     * @param deadline {@link System#nanoTime()} after which the search gives up (UNKNOWN)
     * @param memoBytes how much memory the memo may use before the search gives up (UNKNOWN)
     */
    PartitionResult<I, O> run(long deadline, long memoBytes) {
        int pending = n - completed;
        long[] linearized = new long[(n + 63) >>> 6];
        long setHash = 0;
        HashSet<Memo> memo = new HashSet<>(Math.min(1 << 20, 4 * n + 16));
        long memoLimit = memoBytes / (MEMO_ENTRY_BYTES + 8L * linearized.length);
        int[] stackOp = new int[n];
        @SuppressWarnings("unchecked")
        S[] stackState = (S[]) new Object[n];
        int depth = 0;
        int linearizedCompleted = 0;
        S state = model.init();
        Deepest<S> deepest = null;
        int pos = next[head];
        long steps = 0;
        while (linearizedCompleted < completed) {
            if ((++steps & (CHECK_EVERY - 1)) == 0 && System.nanoTime() - deadline > 0) {
                return unfinished(pending, "the time budget ran out");
            }
            // pos is never END here: the list still holds the return of an unlinearized completed operation
            int e = events[pos];
            int op = e >> 1;
            if ((e & 1) == 0) {
                Operation<I, O> o = ops.get(op);
                Optional<S> after = model.step(state, o.input(), o.output());
                if (after.isPresent()) {
                    S newState = after.get();
                    linearized[op >>> 6] |= 1L << op;
                    long newHash = setHash ^ setWords[op];
                    Memo seen = new Memo(linearized, newHash, newState);
                    if (memo.add(seen)) {
                        seen.set = linearized.clone(); // same contents, so its place in the set stays right
                        if (memo.size() > memoLimit) {
                            return unfinished(pending, "the memory budget of the search ran out");
                        }
                        setHash = newHash;
                        stackOp[depth] = op;
                        stackState[depth] = state;
                        depth++;
                        state = newState;
                        lift(op);
                        if (!o.pending()) {
                            linearizedCompleted++;
                        }
                        pos = next[head];
                        continue;
                    }
                    linearized[op >>> 6] &= ~(1L << op);
                }
                pos = next[pos];
            } else {
                if (deepest == null || depth > deepest.prefix.length) {
                    deepest = new Deepest<>(Arrays.copyOf(stackOp, depth), state, op, candidatesBefore(pos));
                }
                if (depth == 0) {
                    return illegal(pending, deepest);
                }
                depth--;
                int undone = stackOp[depth];
                state = stackState[depth];
                stackState[depth] = null;
                linearized[undone >>> 6] &= ~(1L << undone);
                setHash ^= setWords[undone];
                unlift(undone);
                if (!ops.get(undone).pending()) {
                    linearizedCompleted--;
                }
                pos = next[callAt[undone]];
            }
        }
        List<Operation<I, O>> order = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            order.add(ops.get(stackOp[i]));
        }
        return new PartitionResult<>(key, Verdict.OK, n, pending, order, null, null);
    }

    private PartitionResult<I, O> unfinished(int pending, String why) {
        return new PartitionResult<>(key, Verdict.UNKNOWN, n, pending, List.of(), null, why);
    }

    /** The calls still in the list before position {@code end}: what could have been linearized next. */
    private int[] candidatesBefore(int end) {
        int[] found = new int[8];
        int count = 0;
        for (int p = next[head]; p != end && p != END; p = next[p]) {
            if ((events[p] & 1) == 0) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = events[p] >> 1;
            }
        }
        return Arrays.copyOf(found, count);
    }

    private PartitionResult<I, O> illegal(int pending, Deepest<S> deepest) {
        List<Operation<I, O>> prefix = new ArrayList<>(deepest.prefix.length);
        for (int op : deepest.prefix) {
            prefix.add(ops.get(op));
        }
        List<Counterexample.Candidate<I, O>> candidates = new ArrayList<>();
        for (int op : deepest.candidates) {
            Operation<I, O> o = ops.get(op);
            Optional<S> after = model.step(deepest.state, o.input(), o.output());
            candidates.add(new Counterexample.Candidate<>(o, after.map(model::describeState).orElse(null)));
        }
        Counterexample<I, O> why = new Counterexample<>(
                Collections.unmodifiableList(prefix), model.describeState(deepest.state), ops.get(deepest.blocked), candidates);
        return new PartitionResult<>(key, Verdict.ILLEGAL, n, pending, List.of(), why, null);
    }

    private void unlink(int p) {
        next[prev[p]] = next[p];
        if (next[p] != END) {
            prev[next[p]] = prev[p];
        }
    }

    /** Undoes {@link #unlink}: p's own links were left as they were, so it goes back where it was. */
    private void relink(int p) {
        next[prev[p]] = p;
        if (next[p] != END) {
            prev[next[p]] = p;
        }
    }

    private void lift(int op) {
        unlink(callAt[op]);
        if (returnAt[op] != END) {
            unlink(returnAt[op]);
        }
    }

    /** Undoes {@link #lift}, in the reverse order, which is what makes the relinking exact. */
    private void unlift(int op) {
        if (returnAt[op] != END) {
            relink(returnAt[op]);
        }
        relink(callAt[op]);
    }

    /** The deepest point the search reached: the prefix, its state, the return that stopped it. */
    private record Deepest<S>(int[] prefix, S state, int blocked, int[] candidates) {}

    /** A visited (linearized set, state) pair. */
    private final class Memo {
        private long[] set;
        private final S state;
        private final int hash;

        Memo(long[] set, long setHash, S state) {
            this.set = set;
            this.state = state;
            long h = setHash ^ (model.hash(state) * 0x9e3779b97f4a7c15L);
            this.hash = (int) (h ^ (h >>> 32));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof PartitionSearch<?, ?, ?>.Memo that)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            S otherState = (S) that.state;
            return hash == that.hash && Arrays.equals(set, that.set) && model.equal(state, otherState);
        }
    }
}
