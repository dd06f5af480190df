package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls from compiled code to imports, in Arca's compiler: a host function is called directly
 * from the module's import method (no method handle), with every number type's bits and sign as
 * the HostCall contract says, in both directions; the same host function through a table
 * (call_indirect, which does use its method handle); an import that is another instance's
 * function; a host function's exception reaching the caller; and a host function with a
 * reference parameter or result, refused (the parameter when made, the result at link time).
 */
class HostImportsTest {
    static Engine engine;

    static final String MODULE = """
            (module
              (import "h" "mix" (func $mix (param i32 i64 f32 f64) (result i64)))
              (import "h" "i32" (func $i32 (param i32) (result i32)))
              (import "h" "f32" (func $f32 (param f32) (result f32)))
              (import "h" "f64" (func $f64 (param f64) (result f64)))
              (import "h" "none" (func $none))
              (import "o" "twice" (func $twice (param i32) (result i32)))
              (type $i2i (func (param i32) (result i32)))
              (table 2 funcref)
              (elem (i32.const 0) $i32 $twice)
              (func (export "mix") (param i32 i64 f32 f64) (result i64)
                (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
              (func (export "i32") (param i32) (result i32) (call $i32 (local.get 0)))
              (func (export "f32") (param f32) (result f32) (call $f32 (local.get 0)))
              (func (export "f64") (param f64) (result f64) (call $f64 (local.get 0)))
              (func (export "none") (call $none))
              (func (export "twice") (param i32) (result i32) (call $twice (local.get 0)))
              (func (export "indirect") (param i32 i32) (result i32)
                (call_indirect (type $i2i) (local.get 1) (local.get 0))))
            """;

    static final String OTHER = """
            (module (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
            """;

    @BeforeAll
    static void engine() {
        engine = new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA);
    }

    static HostFunction f(String name, List<ValueType> params, List<ValueType> results, HostCall body) {
        return new HostFunction("h", name, FunctionSignature.of(params, results), body);
    }

    @Test
    void everyNumberTypeCrossesInBothDirections() throws Exception {
        List<long[]> seen = new ArrayList<>();
        Imports imports = new Imports()
                .add(f("mix", List.of(ValueType.I32, ValueType.I64, ValueType.F32, ValueType.F64), List.of(ValueType.I64), a -> {
                    seen.add(a.clone());
                    return 0x8000_0000_0000_0001L;
                }))
                .add(f("i32", List.of(ValueType.I32), List.of(ValueType.I32), a -> a[0] * 3 + 0x1_0000_0000L)) // high bits dropped
                .add(f("f32", List.of(ValueType.F32), List.of(ValueType.F32), a -> a[0] ^ 0x8000_0000L)) // flips the sign bit
                .add(f("f64", List.of(ValueType.F64), List.of(ValueType.F64), a -> a[0] ^ 0x8000_0000_0000_0000L))
                .add(f("none", List.of(), List.of(), a -> {
                    seen.add(a.clone());
                    return 99; // ignored: no result
                }));
        Instance other = engine.load("other", ThreadsTest.wasm(OTHER)).instantiate(new Imports(), 1);
        imports.add("o", other::export);
        Instance inst = engine.load("imports", ThreadsTest.wasm(MODULE)).instantiate(imports, 1);

        float nanF = Float.intBitsToFloat(0x7fa0_0001); // a signalling NaN's payload must survive
        double nanD = Double.longBitsToDouble(0x7ff4_0000_0000_0001L);
        assertEquals(0x8000_0000_0000_0001L, ThreadsTest.call(inst, "mix", -5, Long.MIN_VALUE, nanF, nanD));
        assertArrayEquals(new long[] {-5L, Long.MIN_VALUE, 0x7fa0_0001L, 0x7ff4_0000_0000_0001L}, seen.get(0),
                "i32 sign-extended, f32 and f64 as their raw bits");
        assertEquals(-21, ThreadsTest.call(inst, "i32", -7));
        assertEquals(0xc0a0_0000, Float.floatToRawIntBits((Float) ThreadsTest.call(inst, "f32", 5.0f)));
        assertEquals(-2.5, (Double) ThreadsTest.call(inst, "f64", 2.5));
        ThreadsTest.call(inst, "none");
        assertEquals(0, seen.get(1).length);
        // another instance's function as an import
        assertEquals(42, ThreadsTest.call(inst, "twice", 21));
        // through the table: the host function (its method handle) and the other instance's
        assertEquals(30, ThreadsTest.call(inst, "indirect", 0, 10));
        assertEquals(20, ThreadsTest.call(inst, "indirect", 1, 10));
        assertEquals(-3, ThreadsTest.call(inst, "indirect", 0, -1));
    }

    @Test
    void aHostFunctionsExceptionReachesTheCaller() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        Imports imports = new Imports()
                .add(f("mix", List.of(ValueType.I32, ValueType.I64, ValueType.F32, ValueType.F64), List.of(ValueType.I64), a -> 0))
                .add(f("i32", List.of(ValueType.I32), List.of(ValueType.I32), a -> {
                    throw boom;
                }))
                .add(f("f32", List.of(ValueType.F32), List.of(ValueType.F32), a -> 0))
                .add(f("f64", List.of(ValueType.F64), List.of(ValueType.F64), a -> 0))
                .add(f("none", List.of(), List.of(), a -> 0));
        Instance other = engine.load("other", ThreadsTest.wasm(OTHER)).instantiate(new Imports(), 1);
        imports.add("o", other::export);
        Instance inst = engine.load("imports", ThreadsTest.wasm(MODULE)).instantiate(imports, 1);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> ThreadsTest.call(inst, "i32", 1)));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> ThreadsTest.call(inst, "indirect", 0, 1)));
    }

    @Test
    void aHostFunctionWithAReferenceIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> f("ref", List.of(ValueType.EXTERNREF), List.of(), a -> 0));
        CompiledModule m = engine.load("ref", ThreadsTest.wasm("""
                (module (import "h" "ref" (func (result externref))))
                """));
        Imports imports = new Imports().add(f("ref", List.of(), List.of(ValueType.EXTERNREF), a -> 0));
        ModuleException e = assertThrows(ModuleException.class, () -> m.instantiate(imports, 1));
        assertEquals(ModuleException.Kind.UNLINKABLE, e.kind());
        assertTrue(e.getMessage().contains("h.ref") && e.getMessage().contains("numbers only"), e.getMessage());
    }
}
