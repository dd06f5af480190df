package dev.arca.engine.fuzz;

import dev.arca.compiler.CompilerOptions;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.GuestInterrupted;
import dev.arca.engine.HostFunction;
import dev.arca.engine.Imports;
import dev.arca.engine.Instance;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Trap;
import dev.arca.engine.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Differential testing of Arca's compiler against Chicory's interpreter on modules made by
 * binaryen's {@code wasm-opt --translate-to-fuzz}: each module is instantiated in both, every
 * exported function is called in order with zero arguments, and the transcripts (the values the
 * module logs through its "fuzzing-support" imports, each call's results, each trap) must be
 * equal. NaNs are compared as NaN: their payloads are not deterministic in WebAssembly. As in
 * binaryen's own runner, {@code hangLimitInitializer} is called before each export.
 *
 * <p>When the two differ, V8 (Node, running {@code --node SCRIPT}) is the third opinion: where it
 * agrees with Arca, Chicory's interpreter is the one that departs from the specification (noted,
 * not a failure); otherwise it is a failure.
 *
 * <p>Usage: {@code DifferentialRunner [--keep DIR] [--node SCRIPT] FILE.wasm...}; a module whose
 * transcripts differ is copied to DIR (to become a regression test). Ends with "N passed, M failed".
 */
public final class DifferentialRunner {
    public static void main(String[] args) throws Exception {
        Path keep = null;
        String node = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--keep")) keep = Path.of(args[++i]);
            else if (args[i].equals("--node")) node = args[++i];
            else files.add(Path.of(args[i]));
        }
        int passed = 0, failed = 0, skipped = 0;
        for (Path f : files) {
            byte[] wasm = Files.readAllBytes(f);
            String arca = transcript(Engine.Kind.ARCA, wasm, CompilerOptions.DEFAULT);
            String chicory = transcript(Engine.Kind.CHICORY_INTERPRETER, wasm, CompilerOptions.DEFAULT);
            // and with every function split into as many methods as can be: the splitting must not change anything
            String split = transcript(Engine.Kind.ARCA, wasm, SPLIT_ALL);
            if (!split.equals(arca)) {
                failed++;
                System.out.println("MISMATCH " + f + " (Arca's compiler, split and not split)");
                printDiff(split, arca);
                if (keep != null) {
                    Files.createDirectories(keep);
                    Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                continue;
            }
            if (chicory.startsWith("unloadable") && arca.startsWith("unloadable")) {
                skipped++;
                continue;
            }
            String v8 = arca.equals(chicory) || node == null ? null : node(node, f);
            if (arca.equals(chicory)) {
                passed++;
            } else if (arca.equals(v8)) {
                passed++;
                System.out.println("CHICORY DEPARTS " + f + " (V8 agrees with Arca's compiler)");
                printDiff(arca, chicory);
            } else {
                failed++;
                System.out.println("MISMATCH " + f);
                printDiff(arca, chicory);
                if (keep != null) {
                    Files.createDirectories(keep);
                    Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (skipped > 0) System.out.println(skipped + " modules neither engine loads (skipped)");
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(0);
    }

    /** V8's transcript of the module, or null when Node cannot run it. */
    static String node(String script, Path module) {
        return node("--no-warnings", script, module.toString());
    }

    /** What {@code node ARGS} prints, or null when it cannot run, fails or takes over 60 s. */
    static String node(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of("node"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | InterruptedException e) {
            return null;
        }
    }

    private static void printDiff(String a, String c) {
        String[] x = a.split("\n"), y = c.split("\n");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String l = i < x.length ? x[i] : "(end)", r = i < y.length ? y[i] : "(end)";
            if (!l.equals(r)) {
                System.out.println("  line " + (i + 1) + ":\n    arca:    " + l + "\n    chicory: " + r);
                return;
            }
        }
    }

    /** A method size limit small enough that nearly every statement of a function becomes a method of its own. */
    static final CompilerOptions SPLIT_ALL = new CompilerOptions(50, CompilerOptions.DEFAULT.maxFunctionBodyBytes(),
            CompilerOptions.DEFAULT.maxLocals());

    /** What running the module prints, on a thread of its own with a deep stack and a time limit. */
    static String transcript(Engine.Kind kind, byte[] wasm, CompilerOptions options) throws Exception {
        return transcript(kind, wasm, options, 60);
    }

    /** As above, within {@code seconds}. */
    static String transcript(Engine.Kind kind, byte[] wasm, CompilerOptions options, int seconds) throws Exception {
        FutureTask<String> task = new FutureTask<>(() -> run(kind, wasm, options));
        Thread t = Thread.ofPlatform().name("fuzz-" + kind).stackSize(64L << 20).daemon().unstarted(task);
        t.start();
        try {
            return task.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            try {
                return task.get(10, TimeUnit.SECONDS) + "\n(timed out)";
            } catch (TimeoutException again) {
                return "(timed out and did not stop)";
            }
        } catch (ExecutionException e) {
            return "runner error: " + e.getCause();
        }
    }

    private static String run(Engine.Kind kind, byte[] wasm, CompilerOptions options) {
        StringBuilder out = new StringBuilder();
        CompiledModule m;
        Instance inst;
        try {
            m = new Engine(null, null, kind, Engine.MemoryKind.BYTE_ARRAY, options).load("fuzz", wasm);
            Imports imports = new Imports();
            for (ValueType t : List.of(ValueType.I32, ValueType.I64, ValueType.F32, ValueType.F64)) {
                String name = "log-" + t.name().toLowerCase();
                imports.add(new HostFunction("fuzzing-support", name, FunctionSignature.of(List.of(t), List.of()), a -> {
                    out.append("  log ").append(show(t, a[0])).append('\n');
                    return 0;
                }));
            }
            inst = m.instantiate(imports, 65536);
        } catch (ModuleException e) {
            return "unloadable: " + e.kind();
        }
        // binaryen's modules count loop iterations and calls down from a limit, and trap at zero:
        // their hangLimitInitializer export sets it, before each call as binaryen's own runner does
        ExportedFunction resetLimit = inst.function("hangLimitInitializer");
        for (String name : exports(wasm)) {
            ExportedFunction f = inst.function(name);
            if (f == null || name.equals("hangLimitInitializer")) continue;
            if (resetLimit != null) {
                try {
                    resetLimit.call();
                } catch (Trap e) {
                    out.append("hangLimitInitializer trapped\n");
                }
            }
            FunctionSignature sig = f.signature();
            Object[] args = new Object[sig.params().size()];
            boolean callable = true;
            for (int i = 0; i < args.length; i++) {
                args[i] = switch (sig.params().get(i)) {
                    case I32 -> 0;
                    case I64 -> 0L;
                    case F32 -> 0f;
                    case F64 -> 0.0;
                    case V128 -> null;
                    default -> null;
                };
                if (sig.params().get(i) == ValueType.V128) callable = false;
            }
            if (!callable || sig.results().contains(ValueType.V128)) continue;
            out.append("call ").append(name).append('\n');
            try {
                Object[] r = f.call(args);
                StringBuilder rs = new StringBuilder();
                for (int i = 0; i < r.length; i++) rs.append(' ').append(show(sig.results().get(i), r[i]));
                out.append("  ->").append(rs).append('\n');
            } catch (Trap e) {
                out.append(e.isUncaughtException() ? "  exception\n" : "  trap\n");
            } catch (GuestInterrupted e) {
                out.append("  interrupted\n");
                break;
            }
        }
        return out.toString();
    }

    private static String show(ValueType t, long raw) {
        return switch (t) {
            case F32 -> Float.isNaN(Float.intBitsToFloat((int) raw)) ? "nan" : Integer.toHexString((int) raw);
            case F64 -> Double.isNaN(Double.longBitsToDouble(raw)) ? "nan" : Long.toHexString(raw);
            case I32 -> Integer.toString((int) raw);
            default -> Long.toString(raw);
        };
    }

    private static String show(ValueType t, Object v) {
        return switch (t) {
            case F32 -> Float.isNaN((Float) v) ? "nan" : Integer.toHexString(Float.floatToRawIntBits((Float) v));
            case F64 -> Double.isNaN((Double) v) ? "nan" : Long.toHexString(Double.doubleToRawLongBits((Double) v));
            case I32, I64 -> String.valueOf(v);
            default -> v == null ? "null" : "ref";
        };
    }

    /** The module's function exports, in order, read from its export section. */
    static List<String> exports(byte[] wasm) {
        List<String> names = new ArrayList<>();
        int p = 8;
        while (p < wasm.length) {
            int id = wasm[p++] & 0xFF;
            long[] len = leb(wasm, p);
            p = (int) len[1];
            int end = p + (int) len[0];
            if (id == 7) {
                long[] count = leb(wasm, p);
                int q = (int) count[1];
                for (long i = 0; i < count[0]; i++) {
                    long[] nl = leb(wasm, q);
                    q = (int) nl[1];
                    String name = new String(wasm, q, (int) nl[0], java.nio.charset.StandardCharsets.UTF_8);
                    q += (int) nl[0];
                    int kind = wasm[q++];
                    long[] idx = leb(wasm, q);
                    q = (int) idx[1];
                    if (kind == 0) names.add(name);
                }
            }
            p = end;
        }
        return names;
    }

    private static long[] leb(byte[] b, int p) {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = b[p++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            shift += 7;
            if ((x & 0x80) == 0) return new long[] {v, p};
        }
    }
}
