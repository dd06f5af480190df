package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * call_indirect in Arca's compiler when the module's element segments name few functions of the
 * signature: a FuncRef of the calling instance is called directly (a switch on its index), and
 * anything else through the site's inline cache. The hostile cases: another instance's function
 * with the same index and signature placed in the table (it must run, not the caller's own), a
 * host function there, and the traps (type mismatch, null, out of range) before any call.
 */
class IndirectCallsTest {
    static Engine engine;

    /** Functions 0-2 of type i2i in its table, 3 of another type; "call" calls element i. */
    static final String TABLE = """
            (module
              (type $i2i (func (param i32) (result i32)))
              (table (export "t") 6 funcref)
              (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
              (func $add2 (type $i2i) (i32.add (local.get 0) (i32.const 2)))
              (func $mul3 (type $i2i) (i32.mul (local.get 0) (i32.const 3)))
              (func $other (param i64) (result i64) (local.get 0))
              (elem (i32.const 0) $inc $add2 $mul3 $other)
              (func (export "call") (param i32 i32) (result i32)
                (call_indirect (type $i2i) (local.get 1) (local.get 0))))
            """;

    /** Its function 0 has the signature and index of TABLE's $inc; its element segment puts it at t[0]. */
    static final String INTRUDER = """
            (module
              (type $i2i (func (param i32) (result i32)))
              (import "m" "t" (table 6 funcref))
              (func $sub1 (type $i2i) (i32.sub (local.get 0) (i32.const 1)))
              (elem (i32.const 0) $sub1))
            """;

    /** A host function of the signature put at t[4] through an imported function's element. */
    static final String HOSTED = """
            (module
              (type $i2i (func (param i32) (result i32)))
              (import "h" "neg" (func $neg (type $i2i)))
              (import "m" "t" (table 6 funcref))
              (elem (i32.const 4) $neg))
            """;

    @BeforeAll
    static void engine() {
        engine = new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA);
    }

    @Test
    void theModulesOwnFunctionsAreCalledAndTrapsComeFirst() throws Exception {
        Instance m = engine.load("table", ThreadsTest.wasm(TABLE)).instantiate(new Imports(), 1);
        assertEquals(11, ThreadsTest.call(m, "call", 0, 10));
        assertEquals(12, ThreadsTest.call(m, "call", 1, 10));
        assertEquals(30, ThreadsTest.call(m, "call", 2, 10));
        for (int k = 0; k < 20_000; k++) ThreadsTest.call(m, "call", k % 3, k); // compiled by the JIT meanwhile
        assertEquals(-2_147_483_648, ThreadsTest.call(m, "call", 0, Integer.MAX_VALUE));
        assertTrap("indirect call type mismatch", () -> ThreadsTest.call(m, "call", 3, 1));
        assertTrap("uninitialized element", () -> ThreadsTest.call(m, "call", 5, 1));
        assertTrap("undefined element", () -> ThreadsTest.call(m, "call", 6, 1));
        assertTrap("undefined element", () -> ThreadsTest.call(m, "call", -1, 1));
    }

    @Test
    void anotherInstancesFunctionWithTheSameIndexRunsItself() throws Exception {
        Instance m = engine.load("table", ThreadsTest.wasm(TABLE)).instantiate(new Imports(), 1);
        for (int k = 0; k < 20_000; k++) ThreadsTest.call(m, "call", 0, k); // the direct path hot first
        assertEquals(11, ThreadsTest.call(m, "call", 0, 10));
        Imports imports = new Imports();
        imports.add("m", m::export);
        engine.load("intruder", ThreadsTest.wasm(INTRUDER)).instantiate(imports, 1); // t[0] := its $sub1
        assertEquals(9, ThreadsTest.call(m, "call", 0, 10), "the intruder's function 0, not the table module's $inc");
        assertEquals(12, ThreadsTest.call(m, "call", 1, 10), "the module's own functions still direct");
        // a second instance of the same module (the same classes): its function 0 is not this one's
        Instance twin = engine.load("table", ThreadsTest.wasm(TABLE)).instantiate(new Imports(), 1);
        assertEquals(11, ThreadsTest.call(twin, "call", 0, 10));
    }

    @Test
    void aHostFunctionInTheTableIsCalled() throws Exception {
        Instance m = engine.load("table", ThreadsTest.wasm(TABLE)).instantiate(new Imports(), 1);
        Imports imports = new Imports()
                .add(new HostFunction("h", "neg", FunctionSignature.of(List.of(ValueType.I32), List.of(ValueType.I32)), a -> -a[0]));
        imports.add("m", m::export);
        engine.load("hosted", ThreadsTest.wasm(HOSTED)).instantiate(imports, 1); // t[4] := the host's neg
        assertEquals(-10, ThreadsTest.call(m, "call", 4, 10));
        assertEquals(11, ThreadsTest.call(m, "call", 0, 10));
    }

    private static void assertTrap(String what, org.junit.jupiter.api.function.Executable call) {
        Throwable t = assertThrows(Throwable.class, call);
        assertTrue(String.valueOf(t.getMessage()).contains(what), what + ": " + t);
    }
}
