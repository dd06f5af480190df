package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.compiler.CompilerOptions;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A C-style switch in a loop (a br_table to nested blocks, each case after a block's END, cases
 * that fall through, break, and branch ahead into a later case) compiled whole and split into
 * small methods: the switch's cases become case groups entered at the case a branch selects.
 * Each must compute what Chicory's interpreter computes.
 */
class SwitchSplitTest {
    static final int CASES = 12, REPEAT = 12;

    @Test
    void switchSplitIntoCaseGroupsComputesTheSame() throws ModuleException {
        byte[] wasm = module();
        Instance reference = new Engine(null, null, Engine.Kind.CHICORY_INTERPRETER).load("switch", wasm).instantiate(new Imports(), 1);
        for (int limit : new int[] {7000, 1500, 600, 100}) {
            CompilerOptions options = new CompilerOptions(limit, CompilerOptions.DEFAULT.maxFunctionBodyBytes(), CompilerOptions.DEFAULT.maxLocals());
            Instance arca = new Engine(null, null, Engine.Kind.ARCA, Engine.MemoryKind.BYTE_ARRAY, options).load("switch", wasm)
                    .instantiate(new Imports(), 1);
            for (int x = 0; x < 40; x++) {
                Object expected = reference.function("f").call(x, 60)[0];
                assertEquals(expected, arca.function("f").call(x, 60)[0], "f(" + x + ") with methods of at most " + limit + " bytes");
            }
        }
    }

    /**
     * The same loop run for 2^32 iterations (endless for a test) and interrupted once the JIT has
     * had time to compile it: whether the loop's head is in the function's method or its body is
     * cut into regions, a look at the interrupt flag stops it (the loop's budget lives in the
     * method that holds the loop, so calls into regions do not reset it).
     */
    @Test
    void anEndlessLoopSplitIntoMethodsIsStoppedByAnInterrupt() throws Exception {
        byte[] wasm = module();
        for (int limit : new int[] {7000, 100}) {
            CompilerOptions options = new CompilerOptions(limit, CompilerOptions.DEFAULT.maxFunctionBodyBytes(), CompilerOptions.DEFAULT.maxLocals());
            Instance arca = new Engine(null, null, Engine.Kind.ARCA, Engine.MemoryKind.BYTE_ARRAY, options).load("switch", wasm)
                    .instantiate(new Imports(), 1);
            Object[] out = new Object[1];
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try {
                    out[0] = arca.function("f").call(1, -1);
                } catch (Throwable e) {
                    out[0] = e;
                }
            });
            Thread.sleep(500);
            assertTrue(t.isAlive(), "the loop ended by itself: " + out[0]);
            t.interrupt();
            t.join(10_000);
            assertFalse(t.isAlive(), "still running 10 s after the interrupt, methods of at most " + limit + " bytes");
            assertTrue(out[0] instanceof GuestInterrupted, String.valueOf(out[0]));
        }
    }

    /**
     * (func (export "f") (param $x i32) (param $n i32) (result i32) (local $a i32) (local $i i32)
     *   a = x
     *   loop $top
     *     block $next
     *       block $c11 ... block $c0
     *         br_table $c0 .. $c11 $next (x % 13)
     *       end  ;; case 0 ... each case: a = (a * k) ^ x, REPEAT times; a store to memory;
     *            ;; then by k % 3: fall through / br $next / br_if (a & 1) into case k + 2
     *       ...
     *     end
     *     x = x * 1103515245 + 12345; i++; br_if $top (i < n)
     *   end
     *   a + mem[20])
     */
    static byte[] module() {
        Out code = new Out();
        code.bytes(0x20, 0x00, 0x21, 0x02); // a = x
        code.bytes(0x03, 0x40); // loop $top
        code.bytes(0x02, 0x40); // block $next
        for (int k = 0; k < CASES; k++) code.bytes(0x02, 0x40); // block $c11 .. $c0
        code.bytes(0x20, 0x00, 0x41).sleb(13).bytes(0x70); // x % 13 (rem_u)
        code.bytes(0x0e).uleb(CASES + 1);
        for (int k = 0; k <= CASES; k++) code.uleb(k); // $c0..$c11, $next
        code.uleb(CASES); // default: $next
        for (int k = 0; k < CASES; k++) {
            code.bytes(0x0b); // end of the block of case k: case k's code follows
            for (int r = 0; r < REPEAT; r++) {
                code.bytes(0x20, 0x02, 0x41).sleb((k + 1) * 7 + r).bytes(0x6c, 0x20, 0x00, 0x73, 0x21, 0x02);
            }
            code.bytes(0x41).sleb(k * 4).bytes(0x20, 0x02, 0x36, 0x02, 0x00); // mem[k * 4] = a
            // here the labels are: block of case k + 1 (0) .. block of case 11, $next (11 - k), $top (12 - k)
            switch (k % 3) {
                case 1 -> code.bytes(0x0c).uleb(CASES - 1 - k); // br $next
                case 2 -> {
                    // into the code of a later case (the last case: to $next)
                    int depth = k + 2 < CASES ? 1 : CASES - 1 - k;
                    code.bytes(0x20, 0x02, 0x41, 0x01, 0x71, 0x0d).uleb(depth);
                }
                default -> {} // fall through into case k + 1
            }
        }
        code.bytes(0x0b); // end $next
        code.bytes(0x20, 0x00, 0x41).sleb(1103515245).bytes(0x6c, 0x41).sleb(12345).bytes(0x6a, 0x21, 0x00);
        code.bytes(0x20, 0x03, 0x41, 0x01, 0x6a, 0x22, 0x03, 0x20, 0x01, 0x49, 0x0d, 0x00); // i++; br_if $top (i <u n)
        code.bytes(0x0b); // end loop
        code.bytes(0x20, 0x02, 0x41).sleb(20).bytes(0x28, 0x02, 0x00, 0x6a); // a + mem[20]
        code.bytes(0x0b); // end function

        Out body = new Out().uleb(1).uleb(2).bytes(0x7f).bytes(code.toByteArray()); // locals: 2 x i32
        Out m = new Out().bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
        m.section(1, new Out().uleb(1).bytes(0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f)); // type (i32 i32) -> i32
        m.section(3, new Out().uleb(1).uleb(0));
        m.section(5, new Out().uleb(1).bytes(0x00).uleb(1)); // memory 1
        m.section(7, new Out().uleb(1).uleb(1).bytes('f').bytes(0x00).uleb(0)); // export "f"
        m.section(10, new Out().uleb(1).uleb(body.size()).bytes(body.toByteArray()));
        return m.toByteArray();
    }

    static final class Out extends ByteArrayOutputStream {
        Out bytes(int... values) {
            for (int v : values) write(v);
            return this;
        }

        Out bytes(byte[] b) {
            writeBytes(b);
            return this;
        }

        Out uleb(long v) {
            do {
                int b = (int) (v & 0x7f);
                v >>>= 7;
                write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
            return this;
        }

        Out sleb(long v) {
            while (true) {
                int b = (int) (v & 0x7f);
                v >>= 7;
                boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
                write(done ? b : b | 0x80);
                if (done) return this;
            }
        }

        Out section(int id, Out content) {
            write(id);
            uleb(content.size());
            return bytes(content.toByteArray());
        }
    }
}
