package dev.arca.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.compiler.CompilerOptions;
import dev.arca.engine.Engine;
import dev.arca.engine.ModuleException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Modules a byte or a few away from valid ones: the modules kept from earlier differential
 * mismatches (tests/fuzz/regressions: binaryen's fuzz modules, rich in instructions and
 * sections) with bytes flipped, set to a LEB edge (0x7f, 0x80, 0xff, 0x00), inserted, deleted or
 * cut off, from a fixed seed. Each mutant must load in Arca's compiler or be refused with a
 * {@link ModuleException} of one line (never another exception: a parser, validator or compiler
 * defect, or bytecode the JVM refuses); Arca's compiler and Chicory's interpreter (whose
 * validator is the same) must agree on whether it loads; and a mutant both load is run in both,
 * every export called as {@link DifferentialRunner} does (where both end within a few seconds: a
 * mutated loop may no longer count down): Arca's compiler must give the same transcript with
 * every function split into small methods, and where Chicory's interpreter gives another, V8
 * (Node) must agree with Arca's compiler (these modules were kept because Chicory's interpreter
 * departs from the specification on them, so their mutants often do too).
 *
 * <p>{@code ./test} runs {@link #MUTANTS} mutants of each module; {@code
 * -Darca.fuzz.mutants=N} (and {@code -Darca.fuzz.seed=S}) for a longer run.
 */
class MutationFuzzTest {
    static final int MUTANTS = 60;

    @Test
    void mutantsOfValidModulesLoadOrAreRefusedAndRunAlike() throws Exception {
        int mutants = Integer.getInteger("arca.fuzz.mutants", MUTANTS);
        long seed = Long.getLong("arca.fuzz.seed", 1);
        Path dir = Path.of("..", "tests", "fuzz", "regressions");
        List<Path> modules;
        try (Stream<Path> s = Files.list(dir)) {
            modules = s.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
        }
        assertFalse(modules.isEmpty(), "no modules in " + dir.toAbsolutePath());
        Engine arca = new Engine(null, null, Engine.Kind.ARCA);
        Engine interpreter = new Engine(null, null, Engine.Kind.CHICORY_INTERPRETER);
        Random r = new Random(seed);
        int loaded = 0, refused = 0, compared = 0, skipped = 0, chicoryDeparts = 0, undecided = 0;
        List<String> failures = new ArrayList<>();
        for (Path module : modules) {
            byte[] original = Files.readAllBytes(module);
            for (int i = 0; i < mutants; i++) {
                byte[] wasm = mutate(original, r);
                String what = module.getFileName() + " mutant " + i + " (seed " + seed + ")";
                int before = failures.size();
                boolean a = loads(arca, what, wasm, failures);
                boolean c = loads(interpreter, what + " (interpreter)", wasm, failures);
                if (failures.size() > before) failures.add(what + ": kept as " + keep(module, seed, i, wasm));
                if (a != c) { // V8 decides which is right
                    Path kept = keep(module, seed, i, wasm);
                    Boolean v8 = v8Validates(kept);
                    if (v8 != null && v8 == a) chicoryDeparts++;
                    else failures.add(what + ": Arca's compiler " + (a ? "loads" : "refuses (" + refusal(arca, wasm) + ")") + " it, Chicory's interpreter "
                            + (c ? "loads" : "refuses") + " it, V8 " + (v8 == null ? "cannot tell" : v8 ? "validates it" : "refuses it") + " (kept as " + kept + ")");
                }
                if (!a) {
                    refused++;
                    continue;
                }
                loaded++;
                if (!c) continue;
                String ta = transcript(Engine.Kind.ARCA, wasm), tc = transcript(Engine.Kind.CHICORY_INTERPRETER, wasm);
                if (ta.contains("timed out") || tc.contains("timed out")) {
                    skipped++;
                    continue;
                }
                compared++;
                String split = DifferentialRunner.transcript(Engine.Kind.ARCA, wasm, DifferentialRunner.SPLIT_ALL, 5);
                if (!split.contains("timed out") && !split.equals(ta)) {
                    failures.add(what + ": Arca's compiler gives another transcript with every function split (kept as " + keep(module, seed, i, wasm) + ")");
                }
                if (ta.equals(tc)) continue;
                // they differ: V8 (Node) decides which departs from the specification
                Path kept = keep(module, seed, i, wasm);
                String v8 = DifferentialRunner.node(Path.of("..", "tests", "fuzz", "node-runner.mjs").toString(), kept);
                if (ta.equals(v8)) {
                    chicoryDeparts++;
                } else if (v8 == null) {
                    undecided++;
                } else {
                    failures.add(what + ": Arca's compiler departs from V8 (kept as " + kept + ")\n--- Arca's compiler\n" + ta
                            + "--- V8\n" + v8 + "--- Chicory's interpreter\n" + tc);
                }
            }
        }
        System.out.println("mutation fuzz: " + modules.size() + " modules x " + mutants + " mutants (seed " + seed + "): "
                + loaded + " loaded, " + refused + " refused, " + compared + " run in both engines (" + chicoryDeparts
                + " where Chicory's interpreter departs from V8 and Arca's compiler does not, " + undecided + " V8 could not run), "
                + skipped + " not compared (a run over its time)");
        if (!failures.isEmpty()) fail(failures.size() + " failures:\n" + String.join("\n", failures));
        assertTrue(loaded > 0 && refused > 0, "mutants of both kinds: " + loaded + " loaded, " + refused + " refused");
        assertEquals(loaded + refused, modules.size() * mutants);
    }

    /** Writes a mutant under target/fuzz-mutants (for V8, and to be kept as a regression test). */
    private static Path keep(Path module, long seed, int i, byte[] wasm) throws java.io.IOException {
        Path kept = Path.of("target", "fuzz-mutants", module.getFileName().toString().replace(".wasm", "") + "-" + seed + "-" + i + ".wasm");
        Files.createDirectories(kept.getParent());
        Files.write(kept, wasm);
        return kept;
    }

    /** One to four changes: a byte flipped, set to a LEB edge, inserted or deleted; or the module cut short. */
    static byte[] mutate(byte[] original, Random r) {
        byte[] b = original.clone();
        int changes = 1 + r.nextInt(4);
        for (int k = 0; k < changes && b.length > 8; k++) {
            int at = 8 + r.nextInt(b.length - 8); // the header stays: a mutant of it is refused at once
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) new int[] {0x00, 0x7f, 0x80, 0xff, 0x40, 0x41}[r.nextInt(6)];
                case 2 -> b[at] = (byte) r.nextInt(256);
                case 3 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 4 -> {
                    if (b.length > 9) {
                        byte[] c = new byte[b.length - 1];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                        b = c;
                    }
                }
                default -> {
                    if (r.nextInt(4) == 0) b = Arrays.copyOf(b, at);
                }
            }
        }
        return b;
    }

    /** Whether the engine loads it; anything but a one-line ModuleException is a failure. */
    private static boolean loads(Engine engine, String what, byte[] wasm, List<String> failures) {
        try {
            engine.load("mutant", wasm);
            return true;
        } catch (ModuleException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                failures.add(what + ": refused without a one-line message: " + e.getMessage());
            }
            return false;
        } catch (Throwable t) {
            java.io.StringWriter w = new java.io.StringWriter();
            t.printStackTrace(new java.io.PrintWriter(w));
            failures.add(what + ": threw " + t + " instead of a ModuleException\n" + w.toString().lines().limit(12).reduce("", (x, y) -> x + y + "\n"));
            return false;
        }
    }

    /** Whether V8 (Node's WebAssembly.validate) takes the module; null when Node cannot be run. */
    private static Boolean v8Validates(Path module) {
        String out = DifferentialRunner.node("-e", "console.log(WebAssembly.validate(require('fs').readFileSync(process.argv[1])))", module.toString());
        return out == null ? null : Boolean.valueOf(out.strip());
    }

    /** Why the engine refuses the module. */
    private static String refusal(Engine engine, byte[] wasm) {
        try {
            engine.load("mutant", wasm);
            return "it loads";
        } catch (ModuleException e) {
            return e.getMessage();
        }
    }

    /** DifferentialRunner's transcript, within 5 seconds (a mutated loop may no longer end). */
    private static String transcript(Engine.Kind kind, byte[] wasm) throws Exception {
        return DifferentialRunner.transcript(kind, wasm, CompilerOptions.DEFAULT, 5);
    }
}
