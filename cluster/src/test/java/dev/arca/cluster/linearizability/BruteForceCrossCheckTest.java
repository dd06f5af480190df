package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checker against the definition: on thousands of small random histories (some pending
 * operations, ties in time, two keys), its verdict must equal that of a brute-force search over
 * every order of every set of operations that contains the completed ones.
 */
class BruteForceCrossCheckTest {

    /** The whole store as one state (no parts): each key's value, from {@link KvModel}'s step on that key. */
    private static final Model<Map<String, String>, KvOperation, KvResult> STORE = new Model<>() {
        @Override
        public Map<String, String> init() {
            return Map.of();
        }

        @Override
        public Optional<Map<String, String>> step(Map<String, String> state, KvOperation input, KvResult output) {
            return KvModel.INSTANCE.step(Optional.ofNullable(state.get(input.key())), input, output).map(value -> {
                Map<String, String> next = new HashMap<>(state);
                value.ifPresentOrElse(v -> next.put(input.key(), v), () -> next.remove(input.key()));
                return Map.copyOf(next);
            });
        }
    };

    /** Linearizable by definition: some sequence of the completed operations and some pending ones, respecting real time, that the model accepts. */
    static <S, I, O> boolean linearizable(Model<S, I, O> model, List<Operation<I, O>> ops) {
        return extend(model, ops, new boolean[ops.size()], model.init());
    }

    private static <S, I, O> boolean extend(Model<S, I, O> model, List<Operation<I, O>> ops, boolean[] placed, S state) {
        boolean allCompletedPlaced = true;
        for (int i = 0; i < ops.size(); i++) {
            if (!placed[i] && !ops.get(i).pending()) {
                allCompletedPlaced = false;
            }
        }
        if (allCompletedPlaced) {
            return true; // the pending ones left never took effect
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayComeNext(ops, placed, i)) {
                continue;
            }
            Operation<I, O> op = ops.get(i);
            Optional<S> after = model.step(state, op.input(), op.output());
            if (after.isPresent()) {
                placed[i] = true;
                boolean found = extend(model, ops, placed, after.get());
                placed[i] = false;
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Operation i may come next unless an unplaced operation returned before i was called. */
    private static <I, O> boolean mayComeNext(List<Operation<I, O>> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && !placed[j] && ops.get(j).returned() < ops.get(i).call()) {
                return false;
            }
        }
        return true;
    }

    /** A random history: intervals on a small clock (many ties), results mostly from a real run, sometimes altered. */
    private static List<Operation<KvOperation, KvResult>> randomHistory(SplittableRandom random, int keys) {
        int n = 1 + random.nextInt(7);
        List<Operation<KvOperation, KvResult>> ops = new ArrayList<>();
        String[] values = {"1", "2", "3"};
        for (int i = 0; i < n; i++) {
            String key = keys == 1 ? "x" : random.nextBoolean() ? "x" : "y";
            KvOperation in = switch (random.nextInt(4)) {
                case 0 -> new KvOperation.Get(key);
                case 1 -> new KvOperation.Put(key, values[random.nextInt(3)]);
                case 2 -> new KvOperation.Append(key, values[random.nextInt(3)]);
                default -> new KvOperation.Cas(key, random.nextInt(4) == 0 ? null : values[random.nextInt(3)], values[random.nextInt(3)]);
            };
            long call = random.nextInt(10);
            long ret = call + random.nextInt(6);
            if (random.nextInt(6) == 0) {
                ops.add(Operation.pending(i, i, in, call));
            } else {
                ops.add(Operation.completed(i, i, in, KvResult.OK, call, ret)); // output filled in below
            }
        }
        // a real run: each operation takes effect at a random instant of its interval (a pending one maybe never)
        long[] at = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            Operation<KvOperation, KvResult> op = ops.get(i);
            at[i] = op.pending() ? (random.nextBoolean() ? Long.MAX_VALUE : op.call() + random.nextInt(12)) : op.call() + random.nextLong(op.returned() - op.call() + 1);
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(at[a], at[b]));
        Map<String, Optional<String>> store = new HashMap<>();
        KvResult[] outputs = new KvResult[n];
        for (int i : order) {
            if (at[i] != Long.MAX_VALUE) {
                KvOperation in = ops.get(i).input();
                KvModel.Answer answer = KvModel.INSTANCE.answer(store.getOrDefault(in.key(), Optional.empty()), in);
                store.put(in.key(), answer.after());
                outputs[i] = answer.result();
            }
        }
        List<Operation<KvOperation, KvResult>> history = new ArrayList<>();
        boolean alter = random.nextBoolean();
        for (int i = 0; i < n; i++) {
            Operation<KvOperation, KvResult> op = ops.get(i);
            if (op.pending()) {
                history.add(op);
                continue;
            }
            KvResult out = outputs[i];
            if (alter && random.nextInt(3) == 0) {
                out = switch (op.input()) {
                    case KvOperation.Get g -> new KvResult.Read(random.nextInt(4) == 0 ? null : values[random.nextInt(3)]);
                    case KvOperation.Cas c -> out instanceof KvResult.Ok ? KvResult.MISMATCH : KvResult.OK;
                    default -> out;
                };
            }
            history.add(Operation.completed(op.id(), op.client(), op.input(), out, op.call(), op.returned()));
        }
        return history;
    }

    @Test
    void agreesWithBruteForceOnRandomHistories() {
        SplittableRandom random = new SplittableRandom(12);
        int linearizable = 0, not = 0;
        for (int round = 0; round < 20_000; round++) {
            List<Operation<KvOperation, KvResult>> history = randomHistory(random, round % 3 == 0 ? 2 : 1);
            // the brute force works on the whole history (no parts), so it also checks the split by key
            boolean expected = linearizable(STORE, history);
            CheckResult<KvOperation, KvResult> result = LinearizabilityChecker.check(KvModel.INSTANCE, history, Duration.ofSeconds(30));
            assertEquals(expected ? Verdict.OK : Verdict.ILLEGAL, result.verdict(), () -> "round " + history + "\n" + result.report());
            Witness.assertValid(KvModel.INSTANCE, history, result);
            if (expected) {
                linearizable++;
            } else {
                not++;
            }
        }
        // both verdicts must be well represented, or the comparison says little
        assertTrue(linearizable > 5_000 && not > 3_000, linearizable + " linearizable, " + not + " not");
    }
}
