package dev.arca.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.engine.CompiledModule;
import dev.arca.engine.Engine;
import dev.arca.engine.ExportedFunction;
import dev.arca.engine.FunctionSignature;
import dev.arca.engine.HostFunction;
import dev.arca.engine.Imports;
import dev.arca.engine.Instance;
import dev.arca.engine.ModuleException;
import dev.arca.engine.Trap;
import dev.arca.engine.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs the WebAssembly specification tests (the JSON and binary modules that wabt's
 * {@code wast2json} makes from the .wast files) against Arca's engines, through the engine
 * boundary the kernel uses.
 *
 * <p>Usage: {@code SpecTestRunner DIR [ENGINE...]}, DIR holding one sub-directory per .wast file
 * with its .json; engines are {@code arca}, {@code chicory} (default: both). With both, every
 * command Chicory passes and Arca fails is a regression; the last line is "N passed, M failed":
 * N the files without one, M the regressions.
 *
 * <p>A command is one test: each module (it must load and instantiate), each assertion, each
 * action. Text-format modules ({@code assert_malformed} of .wat) are not counted: no engine here
 * reads the text format. Trap messages are not compared, only that the guest trapped.
 */
public final class SpecTestRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<Engine.Kind> kinds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) kinds.add(args[i].equals("arca") ? Engine.Kind.ARCA : Engine.Kind.CHICORY);
        if (kinds.isEmpty()) kinds = List.of(Engine.Kind.ARCA, Engine.Kind.CHICORY);
        String only = System.getenv("SPEC_ONLY");
        boolean verbose = "1".equals(System.getenv("SPEC_VERBOSE"));

        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isDirectory).sorted().toList();
        }
        Map<Engine.Kind, int[]> totals = new LinkedHashMap<>();
        for (Engine.Kind k : kinds) totals.put(k, new int[2]);
        int regressions = 0, cleanFiles = 0;
        List<String> regressionLines = new ArrayList<>();
        for (Path d : files) {
            String name = d.getFileName().toString();
            if (only != null && !name.matches(only)) continue;
            Path json = d.resolve(name + ".json");
            if (!Files.exists(json)) continue;
            Map<Engine.Kind, List<Result>> byEngine = new LinkedHashMap<>();
            for (Engine.Kind k : kinds) byEngine.put(k, runFile(json, k));
            StringBuilder line = new StringBuilder(String.format("%-34s", name));
            for (Engine.Kind k : kinds) {
                List<Result> rs = byEngine.get(k);
                long pass = rs.stream().filter(Result::passed).count();
                totals.get(k)[0] += (int) pass;
                totals.get(k)[1] += rs.size();
                line.append(String.format(" %s %d/%d", k.name().toLowerCase(), pass, rs.size()));
            }
            if (kinds.size() == 2) {
                List<Result> a = byEngine.get(kinds.get(0)), c = byEngine.get(kinds.get(1));
                int before = regressions;
                for (int i = 0; i < Math.min(a.size(), c.size()); i++) {
                    if (c.get(i).passed() && !a.get(i).passed()) {
                        regressions++;
                        regressionLines.add("REGRESSION " + name + ":" + a.get(i).line() + " " + a.get(i).what() + ": " + a.get(i).why());
                    }
                }
                if (regressions == before) cleanFiles++;
            }
            System.out.println(line);
            if (verbose) {
                for (Engine.Kind k : kinds) {
                    for (Result r : byEngine.get(k)) {
                        if (!r.passed()) System.out.println("  FAIL " + k.name().toLowerCase() + " " + name + ":" + r.line() + " " + r.what() + ": " + r.why());
                    }
                }
            }
        }
        regressionLines.forEach(System.out::println);
        for (var e : totals.entrySet()) {
            System.out.printf("spec tests, %s: %d of %d commands pass%n", e.getKey().name().toLowerCase(), e.getValue()[0], e.getValue()[1]);
        }
        int[] first = totals.get(kinds.get(0));
        if (kinds.size() == 2) {
            System.out.println(cleanFiles + " passed, " + regressions + " failed (passed: files where Arca passes every command Chicory passes; failed: commands Chicory passes and Arca does not)");
        } else {
            System.out.println(first[0] + " passed, " + (first[1] - first[0]) + " failed");
        }
        System.exit(0);
    }

    record Result(int line, String what, boolean passed, String why) {}

    /** Runs one file's commands on a thread of its own (deep recursion needs a stack), with a time limit. */
    static List<Result> runFile(Path json, Engine.Kind kind) throws Exception {
        FutureTask<List<Result>> task = new FutureTask<>(() -> new FileRun(json, kind).run());
        Thread t = Thread.ofPlatform().name("spec-" + json.getFileName()).stackSize(64L << 20).daemon().unstarted(task);
        t.start();
        try {
            return task.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            List<Result> partial = new ArrayList<>();
            partial.add(new Result(0, "file", false, "timed out"));
            return partial;
        } catch (ExecutionException e) {
            List<Result> partial = new ArrayList<>();
            partial.add(new Result(0, "file", false, "runner error: " + e.getCause()));
            return partial;
        }
    }

    static final class FileRun {
        final Path json;
        final Path dir;
        final Engine engine;
        final Map<String, Instance> named = new HashMap<>();
        final Map<String, Instance> registered = new HashMap<>();
        Instance current;
        final List<Result> results = new ArrayList<>();
        Instance spectest;

        FileRun(Path json, Engine.Kind kind) {
            this.json = json;
            this.dir = json.getParent();
            // SPEC_METHOD_LIMIT=N: Arca's compiler splits functions into methods of about N bytes
            String limit = System.getenv("SPEC_METHOD_LIMIT");
            this.engine = limit == null ? new Engine(null, null, kind)
                    : new Engine(null, null, kind, Engine.MemoryKind.BYTE_ARRAY, new dev.arca.compiler.CompilerOptions(
                            Integer.parseInt(limit), dev.arca.compiler.CompilerOptions.DEFAULT.maxFunctionBodyBytes(),
                            dev.arca.compiler.CompilerOptions.DEFAULT.maxLocals()));
        }

        List<Result> run() throws IOException, ModuleException {
            JsonNode root = JSON.readTree(json.toFile());
            spectest = instantiate(engine.load("spectest", SpectestModule.bytes()));
            for (JsonNode c : root.get("commands")) {
                if (Thread.currentThread().isInterrupted()) break;
                String type = c.get("type").asText();
                int line = c.path("line").asInt();
                try {
                    Result r = command(type, line, c);
                    if (r != null) results.add(r);
                } catch (Throwable e) {
                    results.add(new Result(line, type, false, "runner: " + e));
                }
            }
            return results;
        }

        Result command(String type, int line, JsonNode c) throws Exception {
            switch (type) {
                case "module": {
                    try {
                        Instance i = instantiate(load(c.get("filename").asText()));
                        current = i;
                        if (c.has("name")) named.put(c.get("name").asText(), i);
                        return new Result(line, type, true, "");
                    } catch (ModuleException | Trap e) {
                        current = null;
                        return new Result(line, type, false, e.getMessage());
                    }
                }
                case "register": {
                    Instance i = c.has("name") ? named.get(c.get("name").asText()) : current;
                    if (i != null) registered.put(c.get("as").asText(), i);
                    return null;
                }
                case "assert_return":
                case "action": {
                    Object[] got;
                    try {
                        got = act(c.get("action"));
                    } catch (Trap | ModuleException e) {
                        return new Result(line, type, false, "threw " + e.getMessage());
                    }
                    if (got == null) return new Result(line, type, false, "no such export");
                    JsonNode expected = c.get("expected");
                    if (expected != null) {
                        if (expected.size() != got.length) return new Result(line, type, false, "got " + got.length + " results");
                        for (int i = 0; i < got.length; i++) {
                            String why = compare(expected.get(i), got[i]);
                            if (why != null) return new Result(line, type, false, why);
                        }
                    }
                    return new Result(line, type, true, "");
                }
                case "assert_trap":
                case "assert_exhaustion":
                case "assert_exception": {
                    try {
                        act(c.get("action"));
                        return new Result(line, type, false, "did not trap");
                    } catch (Trap e) {
                        return new Result(line, type, true, e.getMessage());
                    } catch (ModuleException e) {
                        return new Result(line, type, false, e.getMessage());
                    }
                }
                case "assert_invalid":
                case "assert_malformed": {
                    if (!c.path("module_type").asText("binary").equals("binary")) return null;
                    try {
                        load(c.get("filename").asText());
                        return new Result(line, type, false, "accepted (" + c.path("text").asText() + ")");
                    } catch (ModuleException e) {
                        return new Result(line, type, true, "");
                    }
                }
                case "assert_unlinkable":
                case "assert_uninstantiable": {
                    try {
                        Instance i = instantiate(load(c.get("filename").asText()));
                        return new Result(line, type, i == null, "instantiated (" + c.path("text").asText() + ")");
                    } catch (ModuleException | Trap e) {
                        return new Result(line, type, true, "");
                    }
                }
                default:
                    return new Result(line, type, false, "unknown command");
            }
        }

        CompiledModule load(String file) throws IOException, ModuleException {
            return engine.load(file, Files.readAllBytes(dir.resolve(file)));
        }

        Instance instantiate(CompiledModule m) throws ModuleException {
            Imports imports = new Imports();
            for (HostFunction f : SpectestModule.functions()) imports.add(f);
            imports.add("spectest", spectest == null ? n -> null : spectest::export);
            for (var e : registered.entrySet()) imports.add(e.getKey(), e.getValue()::export);
            return m.instantiate(imports, 65536);
        }

        Object[] act(JsonNode action) throws ModuleException {
            Instance i = action.has("module") ? named.get(action.get("module").asText()) : current;
            if (i == null) throw new ModuleException("no module instance");
            String field = action.get("field").asText();
            if (action.get("type").asText().equals("get")) {
                Object v = i.global(field);
                return new Object[] {v};
            }
            ExportedFunction f = i.function(field);
            if (f == null) return null;
            FunctionSignature sig = f.signature();
            JsonNode argNodes = action.get("args");
            Object[] args = new Object[argNodes.size()];
            for (int k = 0; k < args.length; k++) args[k] = value(argNodes.get(k), sig.params().get(k));
            return f.call(args);
        }
    }

    static Object value(JsonNode v, ValueType t) {
        String s = v.get("value").asText();
        return switch (v.get("type").asText()) {
            case "i32" -> Integer.parseUnsignedInt(s);
            case "i64" -> Long.parseUnsignedLong(s);
            case "f32" -> Float.intBitsToFloat(Integer.parseUnsignedInt(s));
            case "f64" -> Double.longBitsToDouble(Long.parseUnsignedLong(s));
            case "externref", "funcref", "exnref" -> s.equals("null") ? null : (Object) Long.valueOf(s);
            default -> throw new IllegalArgumentException("value type " + v.get("type").asText() + " (" + t + ")");
        };
    }

    /** Null when {@code got} is what {@code expected} says; else why not. */
    static String compare(JsonNode expected, Object got) {
        String type = expected.get("type").asText();
        String s = expected.has("value") ? expected.get("value").asText() : null;
        switch (type) {
            case "i32": {
                if (!(got instanceof Integer g) || g != Integer.parseUnsignedInt(s)) return "expected " + s + ", got " + got;
                return null;
            }
            case "i64": {
                if (!(got instanceof Long g) || g != Long.parseUnsignedLong(s)) return "expected " + s + ", got " + got;
                return null;
            }
            case "f32": {
                if (!(got instanceof Float g)) return "expected f32, got " + got;
                int bits = Float.floatToRawIntBits(g);
                if (s.equals("nan:canonical")) return (bits & 0x7fffffff) == 0x7fc00000 ? null : "expected canonical NaN, got 0x" + Integer.toHexString(bits);
                if (s.equals("nan:arithmetic")) return Float.isNaN(g) && (bits & 0x00400000) != 0 ? null : "expected arithmetic NaN, got 0x" + Integer.toHexString(bits);
                return bits == Integer.parseUnsignedInt(s) ? null : "expected f32 bits " + Integer.toHexString(Integer.parseUnsignedInt(s)) + ", got " + Integer.toHexString(bits);
            }
            case "f64": {
                if (!(got instanceof Double g)) return "expected f64, got " + got;
                long bits = Double.doubleToRawLongBits(g);
                if (s.equals("nan:canonical")) return (bits & 0x7fffffffffffffffL) == 0x7ff8000000000000L ? null : "expected canonical NaN";
                if (s.equals("nan:arithmetic")) return Double.isNaN(g) && (bits & 0x0008000000000000L) != 0 ? null : "expected arithmetic NaN";
                return bits == Long.parseUnsignedLong(s) ? null : "expected f64 bits " + Long.toHexString(Long.parseUnsignedLong(s)) + ", got " + Long.toHexString(bits);
            }
            case "externref": {
                if (s == null) return got != null ? null : "expected a non-null externref";
                if (s.equals("null")) return got == null ? null : "expected null, got " + got;
                return got != null && got.equals(Long.valueOf(s)) ? null : "expected externref " + s + ", got " + got;
            }
            case "funcref":
            case "exnref": {
                if (s != null && s.equals("null")) return got == null ? null : "expected null, got " + got;
                return got != null ? null : "expected a non-null reference";
            }
            default:
                return "cannot compare values of type " + type;
        }
    }

    /** The "spectest" module the tests import from: print functions, globals, a table and a memory. */
    static final class SpectestModule {
        private SpectestModule() {}

        static List<HostFunction> functions() {
            List<HostFunction> fs = new ArrayList<>();
            fs.add(print("print"));
            fs.add(print("print_i32", ValueType.I32));
            fs.add(print("print_i64", ValueType.I64));
            fs.add(print("print_f32", ValueType.F32));
            fs.add(print("print_f64", ValueType.F64));
            fs.add(print("print_i32_f32", ValueType.I32, ValueType.F32));
            fs.add(print("print_f64_f64", ValueType.F64, ValueType.F64));
            return fs;
        }

        private static HostFunction print(String name, ValueType... params) {
            return new HostFunction("spectest", name, FunctionSignature.of(List.of(params), List.of()), args -> 0);
        }

        /** (module (global (export "global_i32") i32 (i32.const 666)) ... (table (export "table") 10 20 funcref) (memory (export "memory") 1 2)) */
        static byte[] bytes() {
            var out = new ByteArrayOutputStream();
            out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
            section(out, 4, new byte[] {1, 0x70, 1, 10, 20}); // table
            section(out, 5, new byte[] {1, 1, 1, 2}); // memory
            var g = new ByteArrayOutputStream();
            g.write(4);
            g.writeBytes(new byte[] {0x7F, 0, 0x41, (byte) 0x9A, 0x05, 0x0B});
            g.writeBytes(new byte[] {0x7E, 0, 0x42, (byte) 0x9A, 0x05, 0x0B});
            g.writeBytes(new byte[] {0x7D, 0, 0x43});
            int f = Float.floatToRawIntBits(666.6f);
            for (int i = 0; i < 4; i++) g.write(f >>> (8 * i));
            g.write(0x0B);
            g.writeBytes(new byte[] {0x7C, 0, 0x44});
            long d = Double.doubleToRawLongBits(666.6);
            for (int i = 0; i < 8; i++) g.write((int) (d >>> (8 * i)));
            g.write(0x0B);
            section(out, 6, g.toByteArray());
            var e = new ByteArrayOutputStream();
            e.write(6);
            export(e, "global_i32", 3, 0);
            export(e, "global_i64", 3, 1);
            export(e, "global_f32", 3, 2);
            export(e, "global_f64", 3, 3);
            export(e, "table", 1, 0);
            export(e, "memory", 2, 0);
            section(out, 7, e.toByteArray());
            return out.toByteArray();
        }

        private static void export(ByteArrayOutputStream e, String name, int kind, int index) {
            e.write(name.length());
            e.writeBytes(name.getBytes());
            e.write(kind);
            e.write(index);
        }

        private static void section(ByteArrayOutputStream out, int id, byte[] content) {
            out.write(id);
            out.write(content.length); // every section here is shorter than 128 bytes
            out.writeBytes(content);
        }
    }
}
