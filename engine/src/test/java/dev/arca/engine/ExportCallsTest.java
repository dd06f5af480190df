package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.engine.SwitchSplitTest.Out;
import org.junit.jupiter.api.Test;

/**
 * Calls from the host into exported functions: those of number types go through the instance
 * class's generated switch (their methods called directly), others through the module's host
 * invoker. Both must give what Chicory's interpreter gives, and a call with the wrong number or
 * types of arguments must fail as a host error (not a trap) and leave the instance usable.
 */
class ExportCallsTest {
    @Test
    void exportsOfEveryShapeReturnWhatTheInterpreterReturns() throws ModuleException {
        Instance arca = new Engine(null, null, Engine.Kind.ARCA).load("exports", module()).instantiate(new Imports(), 1);
        Instance reference = new Engine(null, null, Engine.Kind.CHICORY_INTERPRETER).load("exports", module()).instantiate(new Imports(), 1);
        Object[][] calls = {
            {"add", 2, 3}, {"add", Integer.MAX_VALUE, 1}, {"add2", -7, 7}, {"pair", 7L}, {"pair", Long.MIN_VALUE},
            {"fsum", 1.5f, 2.25}, {"fsum", Float.NaN, 1.0}, {"none"},
        };
        for (Object[] c : calls) {
            Object[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            String name = (String) c[0];
            assertArrayEquals(reference.function(name).call(args), arca.function(name).call(args), name + java.util.Arrays.toString(args));
        }
        // a reference parameter: the host invoker's path
        assertArrayEquals(new Object[] {1}, arca.function("isnull").call((Object) null));
        assertArrayEquals(new Object[] {0}, arca.function("isnull").call("a host object"));
    }

    @Test
    void wrongArgumentsFailAsHostErrorsAndTheInstanceGoesOn() throws ModuleException {
        Instance arca = new Engine(null, null, Engine.Kind.ARCA).load("exports", module()).instantiate(new Imports(), 1);
        ExportedFunction add = arca.function("add");
        for (Object[] args : new Object[][] {{}, {1}, {1, 2, 3}, {"1", 2}, {1L, 2}, {null, 2}}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> add.call(args), java.util.Arrays.toString(args));
            assertFalse(e instanceof Trap, "a host's mistake is not the guest's trap: " + e);
        }
        assertThrows(RuntimeException.class, () -> arca.function("pair").call(1));
        assertArrayEquals(new Object[] {5}, add.call(2, 3));
    }

    /**
     * (func $add (param i32 i32) (result i32)) exported as "add" and "add2";
     * (func $pair (param i64) (result i64 f64)); (func $isnull (param externref) (result i32));
     * (func $fsum (param f32 f64) (result f64)); (func $none) (which does nothing).
     */
    static byte[] module() {
        Out types = new Out().uleb(5);
        types.bytes(0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f); // 0: (i32 i32) -> i32
        types.bytes(0x60, 0x01, 0x7e, 0x02, 0x7e, 0x7c); // 1: (i64) -> (i64 f64)
        types.bytes(0x60, 0x01, 0x6f, 0x01, 0x7f); // 2: (externref) -> i32
        types.bytes(0x60, 0x02, 0x7d, 0x7c, 0x01, 0x7c); // 3: (f32 f64) -> f64
        types.bytes(0x60, 0x00, 0x00); // 4: () -> ()
        byte[][] bodies = {
            {0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b}, // local.get 0, local.get 1, i32.add
            {0x00, 0x20, 0x00, 0x20, 0x00, (byte) 0xb9, 0x0b}, // local.get 0, local.get 0, f64.convert_i64_s
            {0x00, 0x20, 0x00, (byte) 0xd1, 0x0b}, // local.get 0, ref.is_null
            {0x00, 0x20, 0x00, (byte) 0xbb, 0x20, 0x01, (byte) 0xa0, 0x0b}, // f64.promote_f32, f64.add
            {0x00, 0x0b},
        };
        Out code = new Out().uleb(bodies.length);
        for (byte[] b : bodies) code.uleb(b.length).bytes(b);
        Out exports = new Out().uleb(6);
        String[] names = {"add", "add2", "pair", "isnull", "fsum", "none"};
        int[] index = {0, 0, 1, 2, 3, 4};
        for (int i = 0; i < names.length; i++) exports.uleb(names[i].length()).bytes(names[i].getBytes()).bytes(0x00).uleb(index[i]);
        Out m = new Out().bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
        m.section(1, types);
        m.section(3, new Out().uleb(5).uleb(0).uleb(1).uleb(2).uleb(3).uleb(4));
        m.section(7, exports);
        m.section(10, code);
        return m.toByteArray();
    }
}
