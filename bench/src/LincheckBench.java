import dev.arca.cluster.linearizability.EtcdRegisterModel;
import dev.arca.cluster.linearizability.JepsenEtcdLog;
import dev.arca.cluster.linearizability.KvHistory;
import dev.arca.cluster.linearizability.KvModel;
import dev.arca.cluster.linearizability.KvOperation;
import dev.arca.cluster.linearizability.KvResult;
import dev.arca.cluster.linearizability.LinearizabilityChecker;
import dev.arca.cluster.linearizability.Operation;
import dev.arca.cluster.linearizability.SimulatedKvWorkload;
import dev.arca.cluster.linearizability.Verdict;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench/lincheck.sh's Java half.
 *   generate DIR: writes the simulated key-value histories, as Arca's JSON lines and in Porcupine's kv format
 *   time JEPSEN_DIR DIR GO_RESULTS: times Arca's checker on them and on the etcd histories (median of
 *     in-JVM runs after warm-up, parse excluded), and prints the Markdown table with Porcupine's times
 */
public class LincheckBench {
    /** name, operations, clients, keys: the histories of the table, all with seed 1, 1% of calls timing out, no cas (Porcupine's kv model has none) */
    static final Object[][] KV = {{"kv-10000-8c-10k", 10_000, 8, 10}, {"kv-10000-8c-1k", 10_000, 8, 1}};

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "generate" -> generate(Path.of(args[1]));
            case "time" -> time(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void generate(Path dir) throws Exception {
        for (Object[] kv : KV) {
            List<Operation<KvOperation, KvResult>> history = SimulatedKvWorkload.generate(
                    new SimulatedKvWorkload.Shape((int) kv[1], (int) kv[2], (int) kv[3], 0.01, false), 1);
            try (Writer w = Files.newBufferedWriter(dir.resolve(kv[0] + ".jsonl"))) {
                KvHistory.write(w, history);
            }
            try (Writer w = Files.newBufferedWriter(dir.resolve(kv[0] + ".porcupine.txt"))) {
                writePorcupine(w, history);
            }
        }
    }

    /**
     * Porcupine's kv test format, one event per line in time order (calls first at equal times). Its
     * model reads an absent key as "" (no value written here is empty); pending gets are left out
     * (Arca's checker leaves them out too) and a pending write is an invoke with no completion.
     */
    static void writePorcupine(Writer w, List<Operation<KvOperation, KvResult>> history) throws Exception {
        record Event(long time, int kind, Operation<KvOperation, KvResult> op) {}
        List<Event> events = new ArrayList<>();
        for (Operation<KvOperation, KvResult> op : history) {
            if (op.pending() && op.input() instanceof KvOperation.Get) {
                continue;
            }
            events.add(new Event(op.call(), 0, op));
            if (!op.pending()) {
                events.add(new Event(op.returned(), 1, op));
            }
        }
        events.sort((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Integer.compare(a.kind, b.kind));
        Map<Long, Operation<KvOperation, KvResult>> open = new HashMap<>();
        for (Event e : events) {
            Operation<KvOperation, KvResult> op = e.op;
            // the format pairs a completion with its process's open call: a process's calls must not touch
            if (e.kind == 0 && open.containsKey(op.client()) || e.kind == 1 && open.get(op.client()) != op) {
                throw new IllegalStateException("client " + op.client() + " has two calls at once at " + e.time);
            }
            if (e.kind == 0) {
                open.put(op.client(), op);
            } else {
                open.remove(op.client());
            }
            String f = switch (op.input()) {
                case KvOperation.Get g -> "get";
                case KvOperation.Put p -> "put";
                case KvOperation.Append a -> "append";
                case KvOperation.Cas c -> throw new IllegalArgumentException("Porcupine's kv model has no cas");
            };
            String value = switch (op.input()) {
                case KvOperation.Put p -> "\"" + p.value() + "\"";
                case KvOperation.Append a -> "\"" + a.value() + "\"";
                default -> e.kind == 0 ? "nil" : "\"" + (((KvResult.Read) op.output()).value() == null ? "" : ((KvResult.Read) op.output()).value()) + "\"";
            };
            w.write("{:process " + op.client() + ", :type " + (e.kind == 0 ? ":invoke" : ":ok") + ", :f :" + f + ", :key \"" + op.input().key() + "\", :value " + value + "}\n");
        }
    }

    record Row(String name, String what, int operations, Verdict verdict, double millis) {}

    static void time(Path jepsen, Path dir, Path goResults) throws Exception {
        List<Row> rows = new ArrayList<>();
        // the etcd histories: the largest (most operations), and all 102 one after the other
        List<List<Operation<EtcdRegisterModel.Call, EtcdRegisterModel.Answer>>> all = new ArrayList<>();
        int largest = -1;
        int largestOps = -1;
        for (int i = 0; i <= 102; i++) {
            if (i == 95) {
                continue; // empty; Porcupine's tests leave it out
            }
            try (var in = Files.newBufferedReader(jepsen.resolve(String.format("etcd_%03d.log", i)))) {
                var h = JepsenEtcdLog.read(in);
                all.add(h);
                if (h.size() > largestOps) {
                    largestOps = h.size();
                    largest = i;
                }
            }
        }
        var big = all.get(largest > 95 ? largest - 1 : largest);
        rows.add(measure("etcd-largest", String.format("Jepsen etcd_%03d.log (the largest)", largest), big.size(),
                () -> LinearizabilityChecker.check(EtcdRegisterModel.INSTANCE, big, Duration.ofMinutes(5)).verdict()));
        rows.add(measure("etcd-all", "all 102 Jepsen etcd histories, one after the other", all.stream().mapToInt(List::size).sum(), () -> {
            int ok = 0;
            for (var h : all) {
                Verdict v = LinearizabilityChecker.check(EtcdRegisterModel.INSTANCE, h, Duration.ofMinutes(5)).verdict();
                ok += v == Verdict.OK ? 1 : v == Verdict.ILLEGAL ? 0 : 1000;
            }
            if (ok != 23) {
                throw new IllegalStateException(ok + " of the etcd histories linearizable, not the 23 known");
            }
            return null;
        }));
        for (Object[] kv : KV) {
            List<Operation<KvOperation, KvResult>> h;
            try (var in = Files.newBufferedReader(dir.resolve(kv[0] + ".jsonl"))) {
                h = KvHistory.read(in);
            }
            rows.add(measure((String) kv[0], String.format("simulated key-value run: %,d operations, %d clients, %d %s", (int) kv[1], (int) kv[2], (int) kv[3],
                    (int) kv[3] == 1 ? "key" : "keys"), h.size(), () -> LinearizabilityChecker.check(KvModel.INSTANCE, h, Duration.ofMinutes(5)).verdict()));
        }
        Map<String, Double> go = new HashMap<>();
        for (String line : Files.readAllLines(goResults)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                go.put(f[0], Double.parseDouble(f[1]));
            }
        }
        System.out.println("| history | operations | verdict | Arca (ms) | Porcupine (ms) | Arca / Porcupine |");
        System.out.println("|---|---:|---|---:|---:|---:|");
        for (Row r : rows) {
            Double p = go.get(r.name);
            System.out.printf(Locale.ROOT, "| %s | %,d | %s | %.2f | %s | %s |%n", r.what, r.operations, r.verdict == null ? "as known (23 OK, 79 not)" : r.verdict,
                    r.millis, p == null ? "n/a" : String.format(Locale.ROOT, "%.2f", p), p == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.millis / p));
        }
    }

    interface Job {
        Verdict run();
    }

    /** Median wall time of one run, after warm-up: at least 5 runs and 2 s of each. */
    static Row measure(String name, String what, int operations, Job job) {
        Verdict verdict = null;
        for (long start = System.nanoTime(), n = 0; n < 5 || System.nanoTime() - start < 2_000_000_000L; n++) {
            verdict = job.run();
        }
        List<Long> times = new ArrayList<>();
        for (long start = System.nanoTime(); times.size() < 5 || System.nanoTime() - start < 2_000_000_000L; ) {
            long t = System.nanoTime();
            job.run();
            times.add(System.nanoTime() - t);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        System.err.printf(Locale.ROOT, "%s: %d timed runs%n", name, sorted.length);
        return new Row(name, what, operations, verdict, sorted[sorted.length / 2] / 1e6);
    }
}
