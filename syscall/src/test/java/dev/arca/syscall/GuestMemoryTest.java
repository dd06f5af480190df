package dev.arca.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.engine.Engine;
import dev.arca.engine.Imports;
import dev.arca.engine.LinearMemory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Guest pointers are unsigned 32-bit; anything outside the one page of memory is EFAULT. */
class GuestMemoryTest {
    private static final int SIZE = 65536; // one page
    /** (module (memory (export "memory") 1 1)) */
    private static final byte[] ONE_PAGE = {0, 'a', 's', 'm', 1, 0, 0, 0, 5, 4, 1, 1, 1, 1,
        7, 10, 1, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0};
    private LinearMemory raw;
    private GuestMemory mem;
    private byte[] before;

    @BeforeEach
    void setUp() throws Exception {
        raw = new Engine(null, null, Engine.Kind.ARCA).load("one-page", ONE_PAGE).instantiate(new Imports(), 1).memory();
        mem = new GuestMemory(raw);
        byte[] pattern = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) pattern[i] = (byte) (i * 31 + 7);
        raw.write(0, pattern, 0, SIZE);
        before = readAll();
    }

    private byte[] readAll() {
        byte[] b = new byte[SIZE];
        raw.read(0, b, 0, SIZE);
        return b;
    }

    private void assertEfault(String what, Executable call) {
        ErrnoException e = assertThrows(ErrnoException.class, call, what);
        assertEquals(Errno.EFAULT, e.errno(), what + ": " + e.getMessage());
    }

    private void assertUnchanged(String what) {
        assertArrayEquals(before, readAll(), what + ": memory must be unchanged");
    }

    @Test
    void memoryIsOnePage() {
        assertEquals(SIZE, raw.byteSize());
        assertEquals(65536, SIZE);
    }

    @Test
    void rangesInsideMemoryAreAccepted() throws Exception {
        assertEquals(0, mem.check(0, 0));
        assertEquals(0, mem.check(0, SIZE));
        assertEquals(SIZE - 1, mem.check(SIZE - 1, 1));
        assertEquals(SIZE, mem.check(SIZE, 0), "an empty range at the very end");
        assertEquals(SIZE - 4, mem.check(SIZE - 4, 4));
        assertEquals(100, mem.checkArray(100, 10, 16));
        assertEquals(0, mem.checkArray(0, SIZE / 8, 8));
    }

    @Test
    void accessesInsideMemoryWork() throws Exception {
        mem.writeI32(SIZE - 4, 0x12345678);
        assertEquals(0x12345678, mem.readI32(SIZE - 4));
        mem.writeI32(0, -1);
        assertEquals(0xFFFF_FFFFL, mem.readU32(0));
        mem.writeI64(SIZE - 8, Long.MIN_VALUE + 5);
        assertEquals(Long.MIN_VALUE + 5, mem.readI64(SIZE - 8));
        mem.writeU8(SIZE - 1, 0xAB);
        assertEquals(0xAB, mem.readU8(SIZE - 1));
        mem.writeU16(10, 0xBEEF);
        assertEquals(0xBEEF, mem.readU16(10));
        byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
        mem.writeBytes(SIZE - 5, b);
        assertArrayEquals(b, mem.readBytes(SIZE - 5, 5));
        assertEquals("hello", mem.readString(SIZE - 5, 5));
        byte[] dst = new byte[7];
        mem.readBytes(SIZE - 5, dst, 1, 5);
        assertArrayEquals(new byte[] {0, 'h', 'e', 'l', 'l', 'o', 0}, dst);
        mem.zero(SIZE - 5, 5);
        assertArrayEquals(new byte[5], mem.readBytes(SIZE - 5, 5));
        assertArrayEquals(new byte[0], mem.readBytes(SIZE, 0));
    }

    @Test
    void rangesPastTheEndAreEfault() {
        assertEfault("check end+1", () -> mem.check(SIZE, 1));
        assertEfault("check straddling", () -> mem.check(SIZE - 1, 2));
        assertEfault("check one too long", () -> mem.check(0, SIZE + 1));
        assertEfault("readI32", () -> mem.readI32(SIZE - 3));
        assertEfault("readU32", () -> mem.readU32(SIZE - 1));
        assertEfault("readI64", () -> mem.readI64(SIZE - 7));
        assertEfault("readU8", () -> mem.readU8(SIZE));
        assertEfault("readU16", () -> mem.readU16(SIZE - 1));
        assertEfault("readBytes", () -> mem.readBytes(SIZE - 10, 16));
        assertEfault("readBytes into", () -> mem.readBytes(SIZE - 10, new byte[16], 0, 16));
        assertEfault("readString", () -> mem.readString(SIZE - 3, 4));
        assertEfault("checkArray", () -> mem.checkArray(SIZE - 16, 3, 8));
    }

    @Test
    void writesPastTheEndAreEfaultAndWriteNothing() {
        byte[] junk = new byte[32];
        Arrays.fill(junk, (byte) 0x77);
        assertEfault("writeI32", () -> mem.writeI32(SIZE - 2, 0x77777777));
        assertEfault("writeI64", () -> mem.writeI64(SIZE - 4, 0x7777777777777777L));
        assertEfault("writeU8", () -> mem.writeU8(SIZE, 0x77));
        assertEfault("writeU16", () -> mem.writeU16(SIZE - 1, 0x7777));
        assertEfault("writeBytes", () -> mem.writeBytes(SIZE - 16, junk));
        assertEfault("writeBytes part", () -> mem.writeBytes(SIZE - 1, junk, 4, 2));
        assertEfault("zero", () -> mem.zero(SIZE - 16, 32));
        assertUnchanged("after writes past the end");
    }

    @Test
    void pointerNearFourGibibytesIsEfault() {
        long ptr = 0xFFFF_FFF0L;
        byte[] junk = new byte[32];
        Arrays.fill(junk, (byte) 0x77);
        assertEfault("check", () -> mem.check(ptr, 32));
        assertEfault("check len 0 at 0xFFFFFFF0", () -> mem.check(ptr, 0));
        assertEfault("readBytes", () -> mem.readBytes(ptr, 32));
        assertEfault("writeBytes", () -> mem.writeBytes(ptr, junk));
        assertEfault("zero", () -> mem.zero(ptr, 32));
        assertEfault("readI32 at the top", () -> mem.readI32(0xFFFF_FFFCL));
        assertEfault("writeI32 at the top", () -> mem.writeI32(0xFFFF_FFFCL, 1));
        assertEfault("writeI64 wrapping", () -> mem.writeI64(0xFFFF_FFFCL, 1));
        // an i32 pointer arrives sign-extended from the wasm value: -16 is 0xFFFFFFF0
        assertEfault("sign-extended pointer", () -> mem.check(-16L, 32));
        assertEfault("sign-extended write", () -> mem.writeBytes(-16L, junk));
        assertEfault("sign-extended i32 write", () -> mem.writeI32(-4L, 1));
        assertUnchanged("after writes at 0xFFFFFFF0");
    }

    @Test
    void negativeLengthsAreEfault() {
        assertEfault("check", () -> mem.check(0, -1));
        assertEfault("check min", () -> mem.check(16, Integer.MIN_VALUE));
        assertEfault("check long min", () -> mem.check(16, Long.MIN_VALUE));
        assertEfault("readBytes", () -> mem.readBytes(0, -1));
        assertEfault("readBytes into", () -> mem.readBytes(0, new byte[4], 0, -1));
        assertEfault("readString", () -> mem.readString(0, -5));
        assertEfault("writeBytes", () -> mem.writeBytes(0, new byte[4], 0, -1));
        assertEfault("zero", () -> mem.zero(0, -1));
        assertUnchanged("after negative lengths");
    }

    @Test
    void lengthsThatWrapFourGibibytesAreEfault() {
        // 0x10 + 0xFFFFFFF8 wraps to 0x8 in 32-bit arithmetic
        assertEfault("check", () -> mem.check(0x10, 0xFFFF_FFF8L));
        assertEfault("check max u32", () -> mem.check(1, 0xFFFF_FFFFL));
        assertEfault("check 4 GiB", () -> mem.check(0, 1L << 32));
        assertEfault("check past 4 GiB", () -> mem.check(0xFFFF_FFFFL, 2));
        assertEfault("readBytes", () -> mem.readBytes(0x10, 0xFFFF_FFF8L));
        assertEfault("readString", () -> mem.readString(0x10, 0xFFFF_FFF8L));
        // count * size = 2^32, which wraps to 0 in 32-bit arithmetic
        assertEfault("checkArray 2^32", () -> mem.checkArray(0x10, 0x4000_0000L, 4));
        assertEfault("checkArray max count", () -> mem.checkArray(0, 0xFFFF_FFFFL, 16));
        assertEfault("checkArray sign-extended count", () -> mem.checkArray(8, -1L, 8));
        assertEfault("checkArray 2^31 * 2", () -> mem.checkArray(0, 0x8000_0000L, 2));
        assertUnchanged("after wrapping lengths");
    }

    /**
     * check() is public and takes a long length: one so large that ptr + len overflows a long
     * must still be EFAULT, not accepted.
     */
    @Test
    void lengthsThatOverflowALongAreEfault() {
        assertEfault("check Long.MAX_VALUE", () -> mem.check(16, Long.MAX_VALUE));
        assertEfault("check Long.MAX_VALUE - 8", () -> mem.check(0xFFFF_FFFFL, Long.MAX_VALUE - 8));
    }

    @Test
    void stringsMustBeUtf8() throws Exception {
        mem.writeBytes(0, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0xA9});
        assertEquals("oké", mem.readString(0, 4));
        mem.writeBytes(0, new byte[] {(byte) 0xFF, (byte) 0xFE});
        ErrnoException e = assertThrows(ErrnoException.class, () -> mem.readString(0, 2));
        assertEquals(Errno.EILSEQ, e.errno());
        mem.writeBytes(0, new byte[] {'a', (byte) 0xC3});
        e = assertThrows(ErrnoException.class, () -> mem.readString(0, 2), "truncated sequence");
        assertEquals(Errno.EILSEQ, e.errno());
    }
}
