package dev.arca.cluster.linearizability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks a history against a model: splits it into the model's parts, searches each part (in
 * parallel, up to one thread per core) and combines the outcomes. The history is ILLEGAL when some
 * part is; OK only when every part finished OK; UNKNOWN otherwise.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {}

    /**
     * Checks a history.
     *
     * @param history the operations, in any order; their ids should be unique (reports name them)
     * @param budget how long the search may take in all; past it, unfinished parts are UNKNOWN
     */
    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, List<Operation<I, O>> history, Duration budget) {
        Objects.requireNonNull(model, "model");
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        Map<String, List<Operation<I, O>>> parts = new LinkedHashMap<>();
        int leftOut = 0;
        for (Operation<I, O> op : history) {
            if (op.pending() && model.readOnly(op.input())) {
                leftOut++; // a read never answered: it changed nothing and showed nothing
                continue;
            }
            parts.computeIfAbsent(Objects.requireNonNull(model.partition(op.input()), "partition"), k -> new ArrayList<>()).add(op);
        }
        List<String> keys = new ArrayList<>(parts.keySet());
        int threads = Math.max(1, Math.min(keys.size(), Runtime.getRuntime().availableProcessors()));
        // the memo is the search's only large allocation: together the searches keep to half the heap
        long memoBytes = Runtime.getRuntime().maxMemory() / 2 / threads;
        List<PartitionResult<I, O>> results = new ArrayList<>();
        if (threads == 1) {
            for (String key : keys) {
                results.add(new PartitionSearch<>(model, key, parts.get(key)).run(deadline, memoBytes));
            }
        } else {
            // the largest parts first, so that a big one does not start last
            List<String> bySize = new ArrayList<>(keys);
            bySize.sort(Comparator.comparingInt((String k) -> parts.get(k).size()).reversed());
            Map<String, Future<PartitionResult<I, O>>> running = new LinkedHashMap<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "linearizability-check");
                t.setDaemon(true);
                return t;
            })) {
                for (String key : bySize) {
                    running.put(key, pool.submit(() -> new PartitionSearch<>(model, key, parts.get(key)).run(deadline, memoBytes)));
                }
                for (String key : keys) {
                    results.add(running.get(key).get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking a history", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        return new CheckResult<>(results, leftOut, Duration.ofNanos(System.nanoTime() - start), budget, model::describe);
    }
}
