package dev.arca.compiler.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Arrays made ahead for new memories: every one zeroed, never handed out twice (a memory written
 * by one guest must never become another's), the first request of a size makes none ahead, and
 * what is held stays within its bounds.
 */
class FreshArraysTest {
    @Test
    void everyArrayIsNewZeroedAndNeverGivenTwice() throws Exception {
        int length = 3 * Memory.PAGE_SIZE + 4096; // a size no other test asks for
        Set<byte[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 200; i++) {
            byte[] a = FreshArrays.take(length);
            assertEquals(length, a.length);
            for (byte b : a) if (b != 0) throw new AssertionError("a non-zero byte in array " + i);
            assertTrue(seen.add(a), "array " + i + " was handed out before");
            java.util.Arrays.fill(a, (byte) 0x5a); // as a guest would, before the next take
            if (i % 10 == 0) Thread.sleep(2); // let the filler make some ahead
        }
    }

    @Test
    void theFirstRequestOfASizeMakesNoneAhead() throws Exception {
        int length = 5 * Memory.PAGE_SIZE + 8192;
        FreshArrays.take(length);
        Thread.sleep(50);
        assertEquals(0, FreshArrays.ready(length));
        FreshArrays.take(length);
        for (int i = 0; i < 200 && FreshArrays.ready(length) == 0; i++) Thread.sleep(10);
        assertTrue(FreshArrays.ready(length) > 0, "a size asked twice is made ahead");
        assertTrue(FreshArrays.ready(length) <= FreshArrays.PER_SIZE);
    }

    @Test
    void whatIsHeldStaysWithinTheBudget() throws Exception {
        List<byte[]> keep = new ArrayList<>();
        for (int pages = 1; pages <= 40; pages++) {
            int length = pages * Memory.PAGE_SIZE + 16; // many sizes, each asked twice
            keep.add(FreshArrays.take(length));
            keep.add(FreshArrays.take(length));
        }
        Thread.sleep(300);
        assertTrue(FreshArrays.held() <= FreshArrays.BUDGET, "held " + FreshArrays.held());
        assertFalse(keep.isEmpty());
    }

    @Test
    void largeAndOddLengthsAreAllocatedAsAsked() {
        byte[] big = FreshArrays.take(FreshArrays.MAX_BYTES + 1);
        assertEquals(FreshArrays.MAX_BYTES + 1, big.length);
        assertNotSame(big, FreshArrays.take(FreshArrays.MAX_BYTES + 1));
        assertEquals(0, FreshArrays.take(0).length);
        assertEquals(0, FreshArrays.ready(FreshArrays.MAX_BYTES + 1));
    }

    @Test
    void anUnsharedMemoryStartsZeroedAtItsSize() {
        for (int i = 0; i < 20; i++) {
            Memory m = new Memory(17, 65536, 65536, false);
            assertEquals(17 * Memory.PAGE_SIZE, m.bytes.length);
            for (byte b : m.bytes) if (b != 0) throw new AssertionError("memory " + i + " not zeroed");
            java.util.Arrays.fill(m.bytes, (byte) 1);
        }
    }
}
