package dev.arca.cluster.linearizability;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A history as Arca's key-value workload would record it, made without a cluster: simulated
 * clients call a store on a simulated clock, and each operation takes effect at a random instant
 * inside its interval, so the history is linearizable by construction. Some calls time out
 * (pending): those took effect at some later instant, or never, and their client goes on under a
 * new number, as a Jepsen process does. It tests and times the checker; it is not a test of Arca.
 *
 * <pre>
 * java -cp ... dev.arca.cluster.linearizability.SimulatedKvWorkload OPS CLIENTS KEYS SEED [--no-cas] FILE
 * </pre>
 */
public final class SimulatedKvWorkload {

    /**
     * @param operations how many operations in all
     * @param clients how many clients call at once
     * @param keys how many keys they share
     * @param pendingRate the share of calls that time out
     * @param cas whether the workload has compare-and-set (Porcupine's key-value model has none)
     */
    public record Shape(int operations, int clients, int keys, double pendingRate, boolean cas) {
        public Shape {
            if (operations < 0 || clients < 1 || keys < 1 || pendingRate < 0 || pendingRate > 1) {
                throw new IllegalArgumentException("a workload of " + operations + " operations, " + clients + " clients, " + keys + " keys");
            }
        }
    }

    private SimulatedKvWorkload() {}

    /** The history of one simulated run, operation ids from 1 in the order of the list. */
    public static List<Operation<KvOperation, KvResult>> generate(Shape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = shape.operations();
        long[] clientTime = new long[shape.clients()];
        long[] clientId = new long[shape.clients()];
        for (int c = 0; c < shape.clients(); c++) {
            clientTime[c] = random.nextLong(1_000);
            clientId[c] = c;
        }
        KvOperation[] inputs = new KvOperation[n];
        long[] client = new long[n], call = new long[n], returned = new long[n], effect = new long[n];
        boolean[] pending = new boolean[n], takesEffect = new boolean[n];
        for (int i = 0; i < n; i++) {
            int c = i % shape.clients();
            String key = "k" + random.nextInt(shape.keys());
            int kind = random.nextInt(shape.cas() ? 10 : 8);
            inputs[i] = kind < 4 ? new KvOperation.Get(key)
                    : kind < 6 ? new KvOperation.Put(key, "v" + i)
                    : kind < 8 ? new KvOperation.Append(key, "+" + i)
                    : new KvOperation.Cas(key, null, "c" + i); // what it expects is chosen when it takes effect, below
            client[i] = clientId[c];
            call[i] = clientTime[c] + 1 + random.nextLong(2_000); // a client calls again only after its last answer
            long duration = 100 + (random.nextInt(100) == 0 ? random.nextLong(50_000) : random.nextLong(5_000));
            returned[i] = call[i] + duration;
            pending[i] = random.nextDouble() < shape.pendingRate();
            if (pending[i]) {
                // the client gave up at returned[i]; the call may still take effect later, or never
                takesEffect[i] = random.nextBoolean();
                effect[i] = call[i] + random.nextLong(3 * duration);
                clientId[c] += shape.clients();
            } else {
                takesEffect[i] = true;
                effect[i] = call[i] + random.nextLong(duration + 1);
            }
            clientTime[c] = returned[i];
        }
        Integer[] byEffect = new Integer[n];
        for (int i = 0; i < n; i++) {
            byEffect[i] = i;
        }
        java.util.Arrays.sort(byEffect, Comparator.comparingLong(i -> effect[i]));
        Map<String, Optional<String>> store = new HashMap<>();
        KvResult[] outputs = new KvResult[n];
        for (int i : byEffect) {
            if (!takesEffect[i]) {
                continue;
            }
            Optional<String> now = store.getOrDefault(inputs[i].key(), Optional.empty());
            if (inputs[i] instanceof KvOperation.Cas c) {
                // half of them expect the value the key holds, so that both outcomes occur
                inputs[i] = new KvOperation.Cas(c.key(), random.nextBoolean() ? now.orElse(null) : "v" + random.nextInt(n + 1), c.value());
            }
            KvModel.Answer answer = KvModel.INSTANCE.answer(now, inputs[i]);
            store.put(inputs[i].key(), answer.after());
            outputs[i] = answer.result();
        }
        List<Operation<KvOperation, KvResult>> history = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            history.add(pending[i]
                    ? Operation.pending(i + 1, client[i], inputs[i], call[i])
                    : Operation.completed(i + 1, client[i], inputs[i], outputs[i], call[i], returned[i]));
        }
        return history;
    }

    public static void main(String[] args) throws IOException {
        List<String> a = new ArrayList<>(List.of(args));
        boolean cas = !a.remove("--no-cas");
        if (a.size() != 5) {
            System.err.println("usage: SimulatedKvWorkload OPS CLIENTS KEYS SEED [--no-cas] FILE");
            System.exit(125);
        }
        Shape shape = new Shape(Integer.parseInt(a.get(0)), Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)), 0.01, cas);
        java.io.StringWriter out = new java.io.StringWriter();
        KvHistory.write(out, generate(shape, Long.parseLong(a.get(3))));
        // through Host, the one door to the OS (design.md)
        Path file = Path.of(a.get(4)).toAbsolutePath();
        dev.arca.host.Host host = new dev.arca.host.LinuxHost();
        try (dev.arca.host.HostFd dir = host.openOrCreateDirectory(file.getParent())) {
            host.replaceFile(dir, file.getFileName().toString(), out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), 0644);
        } catch (dev.arca.abi.ErrnoException e) {
            System.err.println("SimulatedKvWorkload: " + file + ": " + e.getMessage());
            System.exit(125);
        }
    }
}
