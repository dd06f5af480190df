package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threads proposal in Arca's compiler: atomics of every width, alignment and bounds traps,
 * a shared memory seen by two instances (wasi-threads' model: one instance per thread), counters
 * incremented from several Java threads, wait and notify across threads, and a waiter stopped by
 * an interrupt. Modules are written in the text format and converted by wabt's wat2wasm.
 */
class ThreadsTest {
    static final String[] OPS = {"add", "sub", "and", "or", "xor", "xchg"};
    static final LongBinaryOperator[] APPLY = {Long::sum, (a, b) -> a - b, (a, b) -> a & b, (a, b) -> a | b, (a, b) -> a ^ b,
        (a, b) -> b};

    /** (type, bits, the instruction's name without the operation) for every read-modify-write width. */
    record Width(String type, int bits, String prefix, String suffix) {
        String rmw(String op) {
            return prefix + op + suffix;
        }

        String load() {
            return type + ".atomic.load" + (bits == 32 && type.equals("i32") || bits == 64 ? "" : bits + "_u");
        }

        String store() {
            return type + ".atomic.store" + (bits == 32 && type.equals("i32") || bits == 64 ? "" : String.valueOf(bits));
        }

        int bytes() {
            return bits / 8;
        }
    }

    static final List<Width> WIDTHS = List.of(
            new Width("i32", 8, "i32.atomic.rmw8.", "_u"),
            new Width("i32", 16, "i32.atomic.rmw16.", "_u"),
            new Width("i32", 32, "i32.atomic.rmw.", ""),
            new Width("i64", 8, "i64.atomic.rmw8.", "_u"),
            new Width("i64", 16, "i64.atomic.rmw16.", "_u"),
            new Width("i64", 32, "i64.atomic.rmw32.", "_u"),
            new Width("i64", 64, "i64.atomic.rmw.", ""));

    /** The module every test here uses, over a memory given by {@code memory}, e.g. an import of env.memory. */
    static String module(String memory) {
        StringBuilder w = new StringBuilder("(module\n  " + memory + "\n");
        for (Width width : WIDTHS) {
            String t = width.type();
            for (String op : OPS) {
                String name = width.rmw(op);
                w.append("  (func (export \"").append(name).append("\") (param i32 ").append(t).append(") (result ").append(t)
                        .append(") (").append(name).append(" (local.get 0) (local.get 1)))\n");
            }
            String cx = width.rmw("cmpxchg");
            w.append("  (func (export \"").append(cx).append("\") (param i32 ").append(t).append(' ').append(t).append(") (result ")
                    .append(t).append(") (").append(cx).append(" (local.get 0) (local.get 1) (local.get 2)))\n");
            w.append("  (func (export \"").append(width.load()).append("\") (param i32) (result ").append(t).append(") (")
                    .append(width.load()).append(" (local.get 0)))\n");
            w.append("  (func (export \"").append(width.store()).append("\") (param i32 ").append(t).append(") (")
                    .append(width.store()).append(" (local.get 0) (local.get 1)))\n");
        }
        w.append("""
                  (func (export "i32.atomic.load offset=4") (param i32) (result i32) (i32.atomic.load offset=4 (local.get 0)))
                  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
                  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
                  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
                  (func (export "i32.store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
                  (func (export "i64.store offset=8") (param i32 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
                  (func (export "memory.fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
                  (func (export "memory.size") (result i32) (memory.size))
                  (func (export "memory.grow") (param i32) (result i32) (memory.grow (local.get 0)))
                  (func (export "wait32") (param i32 i32 i64) (result i32) (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
                  (func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
                  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify (local.get 0) (local.get 1)))
                  (func (export "fence") atomic.fence)
                  ;; n times: counter += 1 atomically
                  (func (export "count") (param $addr i32) (param $n i32)
                    (loop $l
                      (drop (i32.atomic.rmw.add (local.get $addr) (i32.const 1)))
                      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                  ;; n times: a 16-bit counter += 1 atomically
                  (func (export "count16") (param $addr i32) (param $n i32)
                    (loop $l
                      (drop (i32.atomic.rmw16.add_u (local.get $addr) (i32.const 1)))
                      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                  ;; n times, under a spin lock at $lock (cmpxchg 0 -> 1, released by an atomic store):
                  ;; a plain, non-atomic counter += 1
                  (func (export "countLocked") (param $lock i32) (param $addr i32) (param $n i32)
                    (loop $l
                      (loop $spin
                        (br_if $spin (i32.atomic.rmw.cmpxchg (local.get $lock) (i32.const 0) (i32.const 1))))
                      (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (i32.const 1)))
                      (i32.atomic.store (local.get $lock) (i32.const 0))
                      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                )
                """);
        return w.toString();
    }

    static final String SHARED_IMPORT = "(import \"env\" \"memory\" (memory 1 4 shared))";

    @TempDir
    static Path dir;
    static Engine engine;
    static CompiledModule shared;

    @BeforeAll
    static void compile() throws Exception {
        engine = new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA);
        shared = engine.load("threads", wasm(module(SHARED_IMPORT)));
    }

    /** wat2wasm --enable-threads (wabt is installed with apt-get when missing). */
    static byte[] wasm(String wat) throws IOException, InterruptedException {
        Path in = Files.createTempFile("arca-test", ".wat"), out = Path.of(in + ".wasm");
        in.toFile().deleteOnExit();
        out.toFile().deleteOnExit();
        Files.writeString(in, wat);
        Process p;
        try {
            p = new ProcessBuilder("wat2wasm", "--enable-threads", in.toString(), "-o", out.toString()).inheritIO().start();
        } catch (IOException missing) {
            new ProcessBuilder("sh", "-c", "apt-get install -y -q wabt || (apt-get update -q && apt-get install -y -q wabt)")
                    .inheritIO().start().waitFor();
            p = new ProcessBuilder("wat2wasm", "--enable-threads", in.toString(), "-o", out.toString()).inheritIO().start();
        }
        assertEquals(0, p.waitFor(), "wat2wasm failed on\n" + wat);
        return Files.readAllBytes(out);
    }

    static Object call(Instance i, String f, Object... args) {
        ExportedFunction fn = i.function(f);
        assertNotNull(fn, f);
        Object[] r = fn.call(args);
        return r.length == 0 ? null : r[0];
    }

    static Object value(Width w, long v) {
        return w.type().equals("i32") ? (Object) (int) v : (Object) v;
    }

    static long unsigned(Object o) {
        return o instanceof Integer i ? Integer.toUnsignedLong(i) : (Long) o;
    }

    static long mask(int bits) {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    static long read(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) v = (v << 8) | (b[at + k] & 0xFF);
        return v;
    }

    static void write(byte[] b, int at, int n, long v) {
        for (int k = 0; k < n; k++) b[at + k] = (byte) (v >>> (8 * k));
    }

    static Trap trap(Runnable r) {
        return assertThrows(Trap.class, r::run);
    }

    // ---- every operation and width, against a model of the bytes around it ---------------

    @Test
    void everyReadModifyWriteAtEveryOffsetLeavesItsNeighboursAlone() throws Exception {
        Instance inst = shared.instantiate(new Imports(), 4);
        LinearMemory mem = inst.memory();
        assertTrue(mem.shared());
        Random random = new Random(11);
        byte[] model = new byte[32];
        int base = 96; // the window [base, base + 32), every access within [base + 8, base + 24)
        for (Width w : WIDTHS) {
            for (int op = 0; op <= OPS.length; op++) { // OPS, then cmpxchg
                for (int at = base + 8; at + w.bytes() <= base + 24; at += w.bytes()) {
                    random.nextBytes(model);
                    mem.write(base, model, 0, model.length);
                    long old = read(model, at - base, w.bytes());
                    long v = random.nextLong();
                    String name;
                    Object result;
                    long expectedNew;
                    if (op < OPS.length) {
                        name = w.rmw(OPS[op]);
                        result = call(inst, name, at, value(w, v));
                        expectedNew = APPLY[op].applyAsLong(old, v) & mask(w.bits());
                    } else {
                        name = w.rmw("cmpxchg");
                        // half of them succeed: expected is the old value with bits above the width set (wrapped away)
                        boolean succeed = random.nextBoolean();
                        long expected = succeed ? old | (w.bits() == 64 ? 0 : ~mask(w.bits()) & random.nextLong()) : old ^ 1;
                        result = call(inst, name, at, value(w, expected), value(w, v));
                        expectedNew = succeed ? v & mask(w.bits()) : old;
                    }
                    assertEquals(old, unsigned(result) & (w.type().equals("i32") ? 0xFFFFFFFFL : -1L), name + " at " + at + ": old value");
                    assertEquals(w.bits() == 64 ? unsigned(result) : unsigned(result) & mask(w.bits()), unsigned(result),
                            name + ": zero-extended");
                    write(model, at - base, w.bytes(), expectedNew);
                    byte[] now = new byte[model.length];
                    mem.read(base, now, 0, now.length);
                    assertArrayEquals(model, now, name + " at " + at);
                }
            }
        }
    }

    @Test
    void atomicLoadsAndStoresOfEveryWidth() throws Exception {
        Instance inst = shared.instantiate(new Imports(), 4);
        LinearMemory mem = inst.memory();
        for (Width w : WIDTHS) {
            for (int at = 64; at < 80; at += w.bytes()) {
                byte[] before = new byte[32];
                new Random(at).nextBytes(before);
                mem.write(56, before, 0, 32);
                long v = 0x8899AABBCCDDEEFFL;
                call(inst, w.store(), at, value(w, v));
                write(before, at - 56, w.bytes(), v);
                byte[] after = new byte[32];
                mem.read(56, after, 0, 32);
                assertArrayEquals(before, after, w.store() + " at " + at);
                assertEquals(v & mask(w.bits()), unsigned(call(inst, w.load(), at)) & mask(w.bits()), w.load() + " at " + at);
                assertEquals(unsigned(call(inst, w.load(), at)) & mask(w.bits()), unsigned(call(inst, w.load(), at)),
                        w.load() + " zero-extends");
            }
        }
        call(inst, "fence");
    }

    @Test
    void everyWidthTrapsWhenUnaligned() throws Exception {
        Instance inst = shared.instantiate(new Imports(), 4);
        for (Width w : WIDTHS) {
            if (w.bytes() == 1) continue;
            for (int misalign = 1; misalign < w.bytes(); misalign++) {
                int at = 64 + misalign;
                assertEquals("unaligned atomic", trap(() -> call(inst, w.rmw("add"), at, value(w, 1))).getMessage(), w.rmw("add"));
                assertEquals("unaligned atomic", trap(() -> call(inst, w.rmw("cmpxchg"), at, value(w, 0), value(w, 1))).getMessage());
                assertEquals("unaligned atomic", trap(() -> call(inst, w.load(), at)).getMessage(), w.load());
                assertEquals("unaligned atomic", trap(() -> call(inst, w.store(), at, value(w, 1))).getMessage(), w.store());
            }
        }
        assertEquals("unaligned atomic", trap(() -> call(inst, "wait32", 2, 0, 0L)).getMessage());
        assertEquals("unaligned atomic", trap(() -> call(inst, "wait64", 4, 0L, 0L)).getMessage());
        assertEquals("unaligned atomic", trap(() -> call(inst, "notify", 1, 1)).getMessage());
    }

    // ---- bounds: a shared memory's array is larger than the memory ------------------------

    @Test
    void accessesJustPastTheSizeTrapThoughTheArrayIsLarger() throws Exception {
        Instance inst = shared.instantiate(new Imports(), 4); // capacity 4 pages, size 1
        LinearMemory mem = inst.memory();
        assertEquals(65536, mem.byteSize());
        int end = 65536;
        assertEquals(0, call(inst, "i32.load", end - 4));
        assertEquals(0, call(inst, "i32.load8_u", end - 1));
        trap(() -> call(inst, "i32.load", end));
        trap(() -> call(inst, "i32.load", end - 2)); // straddles the end
        trap(() -> call(inst, "i32.load8_u", end));
        trap(() -> call(inst, "i64.load", end - 4));
        trap(() -> call(inst, "i32.store", end, 1));
        trap(() -> call(inst, "i64.store offset=8", end - 8, 1L));
        trap(() -> call(inst, "memory.fill", end - 1, 0, 2));
        assertEquals("out of bounds memory access", trap(() -> call(inst, "i32.atomic.load", end)).getMessage());
        assertEquals("out of bounds memory access", trap(() -> call(inst, "i64.atomic.rmw.add", end - 8 + 8, 1L)).getMessage());
        // unaligned at the end: the alignment trap comes first
        assertEquals("unaligned atomic", trap(() -> call(inst, "i32.atomic.load", end - 1)).getMessage());
        // the effective address does not wrap at 2^32
        assertEquals("out of bounds memory access", trap(() -> call(inst, "i32.atomic.load offset=4", -4)).getMessage());
        assertEquals("out of bounds memory access", trap(() -> call(inst, "wait32", end, 0, 0L)).getMessage());
        assertEquals("out of bounds memory access", trap(() -> call(inst, "notify", end, 1)).getMessage());
        // the last valid address of a wait
        assertEquals(1, call(inst, "wait32", end - 4, 5, Long.MAX_VALUE));
        assertEquals(1, call(inst, "wait64", end - 8, 5L, Long.MAX_VALUE));
        assertEquals(0, call(inst, "notify", end - 4, -1));

        assertEquals(1, call(inst, "memory.grow", 1));
        assertEquals(2, call(inst, "memory.size"));
        assertEquals(2 * 65536L, mem.byteSize());
        call(inst, "i32.store", end, 42);
        assertEquals(42, call(inst, "i32.atomic.load", end));
        trap(() -> call(inst, "i32.load", 2 * end));
        // the operator's limit (4) and the declared maximum (4): then -1
        assertEquals(2, call(inst, "memory.grow", 2));
        assertEquals(-1, call(inst, "memory.grow", 1));
        assertEquals(4, call(inst, "memory.size"));
    }

    @Test
    void growingPastTheOperatorsLimitIsTheLimitError() throws Exception {
        Instance inst = shared.instantiate(new Imports(), 2); // declared maximum 4, limit 2: capacity 2
        assertEquals(1, call(inst, "memory.grow", 1));
        assertThrows(MemoryLimitExceeded.class, () -> call(inst, "memory.grow", 1));
        assertEquals(2, call(inst, "memory.size"));
    }

    @Test
    void aSecondInstanceSharesTheMemoryAndSeesItGrow() throws Exception {
        Instance first = shared.instantiate(new Imports(), 4);
        Instance second = shared.instantiateThread(new Imports(), 4, first);
        call(first, "i32.store", 100, 0x12345678);
        assertEquals(0x12345678, call(second, "i32.atomic.load", 100));
        assertEquals(1, call(first, "memory.grow", 2));
        assertEquals(3, call(second, "memory.size"));
        call(second, "i32.atomic.store", 3 * 65536 - 4, 7);
        assertEquals(7, call(first, "i32.load", 3 * 65536 - 4));
        assertEquals(3 * 65536L, second.memory().byteSize());
        // globals and the rest are the instance's own; a third thread of the second also shares it
        Instance third = shared.instantiateThread(new Imports(), 4, second);
        assertEquals(7, call(third, "i32.load", 3 * 65536 - 4));
    }

    @Test
    void aModuleThatDefinesItsSharedMemoryGetsCapacityWithinTheLimit() throws Exception {
        CompiledModule m = engine.load("defined", wasm(module("(memory (export \"memory\") 1 65536 shared)")));
        Instance first = m.instantiate(new Imports(), 3); // a 4 GiB maximum: capacity is the limit
        assertEquals(1, call(first, "memory.grow", 2));
        assertThrows(MemoryLimitExceeded.class, () -> call(first, "memory.grow", 1));
        Instance second = m.instantiateThread(new Imports(), 3, first);
        call(second, "i32.store", 3 * 65536 - 4, 9);
        assertEquals(9, call(first, "i32.atomic.load", 3 * 65536 - 4));
        assertThrows(ModuleException.class, () -> m.instantiate(new Imports(), 0));
    }

    @Test
    void aModuleLinkedByWasmLdForThreadsInitialisesItsMemoryOnce() throws Exception {
        Path c = dir.resolve("lld-shared.c"), out = dir.resolve("lld-shared.wasm");
        try (var in = ThreadsTest.class.getResourceAsStream("/threads/lld-shared.c")) {
            Files.write(c, in.readAllBytes());
        }
        Process p = new ProcessBuilder("clang-22", "--target=wasm32", "-O2", "-matomics", "-mbulk-memory", "-nostdlib",
                "-Wl,--no-entry,--export=bump,--export=first_char,--export=set_first,--shared-memory,--import-memory,--max-memory=4194304",
                c.toString(), "-o", out.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "clang-22 failed");
        CompiledModule m = engine.load("lld-shared", Files.readAllBytes(out));
        Instance first = m.instantiate(new Imports(), 64);
        assertTrue(first.memory().shared());
        assertEquals((int) 'h', call(first, "first_char"));
        call(first, "set_first", (int) 'J');
        assertEquals(10, call(first, "bump", 10));
        Instance second = m.instantiateThread(new Imports(), 64, first); // runs __wasm_init_memory again
        assertEquals((int) 'J', call(second, "first_char"), "the second start function left the data alone");
        assertEquals(15, call(second, "bump", 5));
        assertEquals(15, call(first, "bump", 0));
        // the declared maximum (64 pages) is within the limit; a limit below the initial size is an error
        ModuleException e = assertThrows(ModuleException.class, () -> m.instantiate(new Imports(), 1));
        assertEquals(ModuleException.Kind.LIMIT, e.kind());
    }

    /**
     * A function long enough to be split into regions (see dev.arca.compiler.Regions), with atomics
     * of every kind among its statements: the plan must know their stack effects. Compiled with
     * small method limits and whole, it gives the same memory and result.
     */
    @Test
    void aSplitFunctionWithAtomicsComputesAsAWholeOne() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < 40; k++) {
            int a = 8 * (k % 16);
            body.append("    (drop (i32.atomic.rmw.add (i32.const ").append(a).append(") (local.get $x)))\n")
                    .append("    (local.set $x (i32.add (local.get $x) (i32.atomic.rmw8.xor_u (i32.const ").append(a + 1).append(") (i32.const 7))))\n")
                    .append("    (i64.atomic.store (i32.const 256) (i64.atomic.rmw.cmpxchg (i32.const 256) (i64.atomic.load (i32.const 256)) (i64.extend_i32_u (local.get $x))))\n")
                    .append("    (local.set $x (i32.add (local.get $x) (memory.atomic.notify (i32.const 512) (i32.const 1))))\n")
                    .append("    (local.set $x (i32.add (local.get $x) (memory.atomic.wait32 (i32.const 516) (i32.const 1) (i64.const 0))))\n")
                    .append("    (i32.atomic.store16 (i32.const ").append(a + 4).append(") (i32.atomic.load16_u (i32.const ").append(a + 2).append(")))\n")
                    .append("    atomic.fence\n")
                    .append("    (if (i32.and (local.get $x) (i32.const 1)) (then (local.set $x (i32.mul (local.get $x) (i32.const 3)))))\n");
        }
        String wat = "(module (memory (export \"memory\") 1 1 shared)\n  (func (export \"run\") (param $x i32) (result i32)\n" + body
                + "    (i32.add (local.get $x) (i32.atomic.load (i32.const 0)))))";
        byte[] bytes = wasm(wat);
        Instance whole = engine.load("whole", bytes).instantiate(new Imports(), 1);
        Object expected = call(whole, "run", 12345);
        byte[] wholeMemory = new byte[1024];
        whole.memory().read(0, wholeMemory, 0, wholeMemory.length);
        for (int limit : new int[] {300, 1000}) {
            dev.arca.compiler.CompilerOptions options = new dev.arca.compiler.CompilerOptions(limit,
                    dev.arca.compiler.CompilerOptions.DEFAULT.maxFunctionBodyBytes(), dev.arca.compiler.CompilerOptions.DEFAULT.maxLocals());
            // it is split: methods f0$<region> beside f0
            long regions = dev.arca.compiler.ModuleCompiler.compile(com.dylibso.chicory.wasm.Parser.parse(bytes), options).classes().values()
                    .stream().flatMap(c -> java.lang.classfile.ClassFile.of().parse(c).methods().stream())
                    .filter(m -> m.methodName().stringValue().startsWith("f0$")).count();
            assertTrue(regions > 3, "regions at method size limit " + limit + ": " + regions);
            Instance split = new Engine(null, null, Engine.Kind.ARCA, Engine.MemoryKind.BYTE_ARRAY, options).load("split", bytes)
                    .instantiate(new Imports(), 1);
            assertEquals(expected, call(split, "run", 12345), "method size limit " + limit);
            byte[] splitMemory = new byte[1024];
            split.memory().read(0, splitMemory, 0, splitMemory.length);
            assertArrayEquals(wholeMemory, splitMemory, "method size limit " + limit);
        }
    }

    /** Run in a JVM with a small heap: instantiates a module whose shared memory's capacity does not fit. */
    public static final class OutOfHeap {
        public static void main(String[] args) throws Exception {
            CompiledModule m = new Engine(null, null, Engine.Kind.ARCA).load("big", Files.readAllBytes(Path.of(args[0])));
            try {
                m.instantiate(new Imports(), 1024);
                System.out.println("instantiated");
            } catch (ModuleException e) {
                System.out.println(e.kind() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void aCapacityTheHeapCannotHoldIsALimitErrorNotACrash() throws Exception {
        Path wasm = dir.resolve("big.wasm");
        Files.write(wasm, wasm(module("(memory 1 1024 shared)"))); // 64 MiB of capacity, in a 32 MiB heap
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"), OutOfHeap.class.getName(),
                wasm.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("LIMIT: big: cannot allocate the shared memory's capacity of 1024 pages (64 MiB)"), out);
    }

    @Test
    void threadsNeedASharedMemoryAndArcasCompiler(@TempDir Path cache) throws Exception {
        byte[] unsharedWasm = wasm(module("(memory 1 4)"));
        CompiledModule unshared = engine.load("unshared", unsharedWasm);
        Instance plain = unshared.instantiate(new Imports(), 4);
        assertFalse(plain.memory().shared());
        ModuleException e = assertThrows(ModuleException.class, () -> unshared.instantiateThread(new Imports(), 4, plain));
        assertTrue(e.getMessage().contains("not shared"), e.getMessage());

        Engine chicory = new Engine(new dev.arca.host.LinuxHost(), cache, Engine.Kind.CHICORY);
        CompiledModule c = chicory.load("unshared", unsharedWasm);
        Instance ci = c.instantiate(new Imports(), 4);
        e = assertThrows(ModuleException.class, () -> c.instantiateThread(new Imports(), 4, ci));
        assertTrue(e.getMessage().contains("threads need Arca's compiler"), e.getMessage());
    }

    @Test
    void atomicsOnAnUnsharedMemoryWorkAndWaitTraps() throws Exception {
        Instance inst = engine.load("unshared", wasm(module("(memory 1 4)"))).instantiate(new Imports(), 4);
        assertEquals(0, call(inst, "i32.atomic.rmw.add", 8, 5));
        assertEquals(5, call(inst, "i32.atomic.rmw.cmpxchg", 8, 5, 6));
        assertEquals(6, call(inst, "i32.atomic.load", 8));
        assertEquals(0, call(inst, "notify", 8, -1));
        assertEquals("expected shared memory", trap(() -> call(inst, "wait32", 8, 6, 0L)).getMessage());
        assertEquals("expected shared memory", trap(() -> call(inst, "wait64", 8, 6L, -1L)).getMessage());
        assertEquals(1, call(inst, "memory.grow", 1)); // the unshared memory still grows by replacing its array
        assertEquals(6, call(inst, "i32.atomic.load", 8));
        assertEquals(0, call(inst, "i32.atomic.load", 65536));
    }

    // ---- several Java threads ------------------------------------------------------------

    @Test
    void countersFromTwoThreadsAreExact() throws Exception {
        Instance first = shared.instantiate(new Imports(), 4);
        int threads = 3, n = 200_000;
        List<Instance> instances = new ArrayList<>();
        instances.add(first);
        for (int t = 1; t < threads; t++) instances.add(shared.instantiateThread(new Imports(), 4, first));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Instance inst = instances.get(t);
                int t2 = t;
                done.add(pool.submit(() -> {
                    call(inst, "count", 0, n);
                    call(inst, "countLocked", 8, 12, n);
                    call(inst, "count16", 16 + 2 * t2, n); // neighbouring 16-bit counters in one word
                    call(inst, "count16", 24, n); // one 16-bit counter, contended
                }));
            }
            for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * n, call(first, "i32.atomic.load", 0));
        assertEquals(threads * n, call(first, "i32.load", 12), "the counter under the spin lock");
        for (int t = 0; t < threads; t++) assertEquals(n & 0xFFFF, call(first, "i32.atomic.load16_u", 16 + 2 * t));
        assertEquals(threads * n & 0xFFFF, call(first, "i32.atomic.load16_u", 24));
        assertEquals(0, call(first, "i32.atomic.load16_u", 26), "the neighbour of the contended counter");
    }

    /** Waits until {@code t} is parked (in a wait, after the comparison: it is in the queue). */
    static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "thread did not start waiting");
            Thread.sleep(1);
        }
    }

    /** Runs {@code body} on a new thread; its result or exception in {@code out[0]}. */
    static Thread start(Object[] out, java.util.concurrent.Callable<Object> body) {
        Thread t = new Thread(() -> {
            try {
                out[0] = body.call();
            } catch (Throwable e) {
                out[0] = e;
            }
        });
        t.start();
        return t;
    }

    @Test
    void waitAndNotifyAcrossInstances() throws Exception {
        Instance first = shared.instantiate(new Imports(), 4);
        Instance second = shared.instantiateThread(new Imports(), 4, first);
        call(first, "i32.store", 200, 7);
        // not equal: at once
        assertEquals(1, call(second, "wait32", 200, 8, -1L));
        assertEquals(1, call(second, "wait64", 200, 8L, -1L));
        // timed out
        long t0 = System.nanoTime();
        assertEquals(2, call(second, "wait32", 200, 7, 20_000_000L));
        assertTrue(System.nanoTime() - t0 >= 20_000_000L, "waited the timeout");
        assertEquals(2, call(second, "wait32", 200, 7, 0L));
        // woken, forever (negative) and with the largest timeout
        for (long timeout : new long[] {-1L, Long.MAX_VALUE}) {
            Object[] out = new Object[1];
            Thread waiter = start(out, () -> call(second, "wait32", 200, 7, timeout));
            awaitParked(waiter);
            assertEquals(0, call(first, "notify", 200, 0), "count 0 wakes nobody");
            assertEquals(0, call(first, "notify", 204, 1), "another address");
            assertEquals(1, call(first, "notify", 200, 1));
            waiter.join(30_000);
            assertEquals(0, out[0]);
        }
        // wait64 on the 8 bytes at 200
        call(first, "i64.store offset=8", 200 - 8, 0x1_0000_0007L);
        Object[] out = new Object[1];
        Thread waiter = start(out, () -> call(second, "wait64", 200, 0x1_0000_0007L, -1L));
        awaitParked(waiter);
        assertEquals(1, call(first, "notify", 200, 5));
        waiter.join(30_000);
        assertEquals(0, out[0]);
    }

    @Test
    void notifyWakesAtMostCountInArrivalOrder() throws Exception {
        Instance first = shared.instantiate(new Imports(), 4);
        int n = 4;
        Object[][] outs = new Object[n][1];
        Thread[] waiters = new Thread[n];
        for (int k = 0; k < n; k++) {
            Instance inst = shared.instantiateThread(new Imports(), 4, first);
            waiters[k] = start(outs[k], () -> call(inst, "wait32", 300, 0, -1L));
            awaitParked(waiters[k]); // one after the other: the queue's order is k's
        }
        assertEquals(2, call(first, "notify", 300, 2));
        waiters[0].join(30_000);
        waiters[1].join(30_000);
        assertEquals(0, outs[0][0]);
        assertEquals(0, outs[1][0]);
        Thread.sleep(50);
        assertTrue(waiters[2].isAlive() && waiters[3].isAlive(), "the later two still wait");
        assertEquals(2, call(first, "notify", 300, -1), "0xFFFFFFFF: all");
        for (int k = 2; k < n; k++) {
            waiters[k].join(30_000);
            assertEquals(0, outs[k][0]);
        }
        assertEquals(0, call(first, "notify", 300, -1));
    }

    @Test
    void aWaiterInterruptedIsStoppedNotReturned() throws Exception {
        Instance first = shared.instantiate(new Imports(), 4);
        for (long timeout : new long[] {-1L, Long.MAX_VALUE}) {
            Instance second = shared.instantiateThread(new Imports(), 4, first);
            Object[] out = new Object[1];
            Thread waiter = start(out, () -> call(second, "wait32", 400, 0, timeout));
            awaitParked(waiter);
            waiter.interrupt();
            waiter.join(30_000);
            assertFalse(waiter.isAlive());
            assertTrue(out[0] instanceof GuestInterrupted, String.valueOf(out[0]));
            // it left the queue: a notify finds nobody
            assertEquals(0, call(first, "notify", 400, -1));
        }
        // interrupted before it starts waiting: stopped too
        Instance third = shared.instantiateThread(new Imports(), 4, first);
        Object[] out = new Object[1];
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                out[0] = call(third, "wait32", 400, 0, -1L);
            } catch (Throwable e) {
                out[0] = e;
            }
        });
        t.start();
        t.join(30_000);
        assertTrue(out[0] instanceof GuestInterrupted, String.valueOf(out[0]));
    }
}
