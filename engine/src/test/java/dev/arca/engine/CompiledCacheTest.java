package dev.arca.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.DiagnosticSink;
import dev.arca.host.LinuxHost;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled-module cache's bound: least recently used entries go, of every compiler version's
 * layout, and nothing else under the root is touched (links are not followed, the SDK's files and
 * directories without a cache key stay).
 */
class CompiledCacheTest {
    private static final String LAYOUT = "arca-compiler-0123456789abcdef";
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private final DiagnosticSink sink = DiagnosticSink.text(said, EnumSet.allOf(DiagnosticSink.Kind.class));

    private CompiledCache cache(Path root, long maxBytes) {
        return new CompiledCache(new LinuxHost(), root, maxBytes, sink);
    }

    private static String key(int i) {
        byte[] b = new byte[32];
        b[31] = (byte) i;
        b[30] = (byte) (i >> 8);
        return HexFormat.of().formatHex(b);
    }

    private static byte[] data(int size, int fill) {
        byte[] d = new byte[size];
        java.util.Arrays.fill(d, (byte) fill);
        return d;
    }

    /** Sets {@code file}'s modification time {@code ago} before now. */
    private static void age(Path file, Duration ago) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
    }

    private static long entryBytes(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bin")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void theLeastRecentlyUsedEntriesGoOnceTheBoundIsPassed(@TempDir Path root) throws Exception {
        CompiledCache c = cache(root, 100_000);
        for (int i = 0; i < 8; i++) c.put(LAYOUT, key(i), data(10_000, i)); // 80 KB + MACs: within the bound
        Path dir = root.resolve(LAYOUT);
        for (int i = 0; i < 8; i++) age(dir.resolve(key(i) + ".bin"), Duration.ofHours(100 - i)); // 0 is the oldest
        assertNotNull(c.get(LAYOUT, key(0))); // used now (older than a day: touched)
        for (int i = 8; i < 11; i++) c.put(LAYOUT, key(i), data(10_000, i)); // 110 KB: past the bound
        long left = entryBytes(root);
        assertTrue(left <= 100_000, "within the bound after every write: " + left);
        assertTrue(Files.exists(dir.resolve(key(0) + ".bin")), "the entry read just now stays");
        assertFalse(Files.exists(dir.resolve(key(1) + ".bin")), "the least recently used went first");
        assertFalse(Files.exists(dir.resolve(key(2) + ".bin")));
        assertTrue(Files.exists(dir.resolve(key(10) + ".bin")), "the entry just written stays");
        assertArrayEquals(data(10_000, 10), c.get(LAYOUT, key(10)));
        assertNull(c.get(LAYOUT, key(1)), "an evicted entry is a miss, compiled again");
        assertEquals("", said.toString(), "evicting says nothing");
    }

    @Test
    void otherCompilerVersionsAreEvictedTooAndEmptyOnesRemoved(@TempDir Path root) throws Exception {
        String old = "arca-compiler-fedcba9876543210";
        CompiledCache before = cache(root, 1 << 30);
        before.put(old, key(1), data(30_000, 1));
        before.put(old, key(2), data(30_000, 2));
        Path oldDir = root.resolve(old);
        age(oldDir.resolve(key(1) + ".bin"), Duration.ofDays(40));
        age(oldDir.resolve(key(2) + ".bin"), Duration.ofDays(30));
        age(oldDir.resolve("cache.key"), Duration.ofDays(60));
        CompiledCache now = cache(root, 50_000); // another build, another process
        now.put(LAYOUT, key(3), data(30_000, 3));
        assertFalse(Files.exists(oldDir), "the old version's entries went, then its key and directory: " + list(root));
        assertArrayEquals(data(30_000, 3), now.get(LAYOUT, key(3)));
        assertTrue(Files.exists(root.resolve(LAYOUT).resolve("cache.key")), "the layout in use keeps its key");
    }

    @Test
    void anEmptyLayoutHoldingAnythingElseKeepsItsKey(@TempDir Path root) throws Exception {
        String other = "arca-compiler-3333333333333333";
        Path dir = Files.createDirectories(root.resolve(other));
        Files.write(dir.resolve("cache.key"), new byte[32]);
        Files.write(dir.resolve(".key-0123456789abcdef"), new byte[32]); // a key being made
        age(dir.resolve("cache.key"), Duration.ofDays(10));
        cache(root, 1 << 20).put(LAYOUT, key(1), data(100, 1));
        assertTrue(Files.exists(dir.resolve("cache.key")), "never the key alone: " + list(root));
    }

    @Test
    void anEmptyLayoutWithAFreshKeyStays(@TempDir Path root) throws Exception {
        // another process made its key a moment ago and is compiling its first entry
        String other = "arca-compiler-1111111111111111";
        Files.createDirectories(root.resolve(other));
        Files.write(root.resolve(other).resolve("cache.key"), new byte[32]);
        cache(root, 1 << 20).put(LAYOUT, key(1), data(100, 1));
        assertTrue(Files.exists(root.resolve(other).resolve("cache.key")));
    }

    @Test
    void nothingButEntriesIsRemovedAndLinksAreNotFollowed(@TempDir Path root, @TempDir Path outside) throws Exception {
        // the SDK's builds share ~/.cache/arca: a directory without a cache key is not a layout
        Path sdk = Files.createDirectories(root.resolve("sdk"));
        Files.write(sdk.resolve(key(9) + ".bin"), data(50_000, 9));
        Files.write(sdk.resolve("libc.a"), data(50_000, 8));
        // a link to a directory that looks like a layout, and a link named as an entry
        Path victim = Files.createDirectories(outside.resolve("victim"));
        Files.write(victim.resolve("cache.key"), new byte[32]);
        Files.write(victim.resolve(key(7) + ".bin"), data(50_000, 7));
        Files.write(outside.resolve("precious"), data(50_000, 6));
        Files.createSymbolicLink(root.resolve("arca-compiler-2222222222222222"), victim);
        CompiledCache c = cache(root, 20_000);
        c.put(LAYOUT, key(1), data(5_000, 1));
        Files.createSymbolicLink(root.resolve(LAYOUT).resolve(key(5) + ".bin"), outside.resolve("precious"));
        Files.write(root.resolve(LAYOUT).resolve("notes.txt"), data(50_000, 5));
        age(root.resolve(LAYOUT).resolve(key(1) + ".bin"), Duration.ofDays(3));
        for (int i = 2; i < 6; i++) c.put(LAYOUT, key(i == 5 ? 6 : i), data(5_000, i)); // past the bound
        assertTrue(Files.exists(sdk.resolve(key(9) + ".bin")) && Files.exists(sdk.resolve("libc.a")), "the SDK's files stay");
        assertTrue(Files.exists(victim.resolve(key(7) + ".bin")) && Files.exists(victim.resolve("cache.key")), "a linked directory is not entered");
        assertTrue(Files.isSymbolicLink(root.resolve(LAYOUT).resolve(key(5) + ".bin")), "a link is not an entry");
        assertArrayEquals(data(50_000, 6), Files.readAllBytes(outside.resolve("precious")));
        assertTrue(Files.exists(root.resolve(LAYOUT).resolve("notes.txt")), "a file not named as an entry stays");
        assertFalse(Files.exists(root.resolve(LAYOUT).resolve(key(1) + ".bin")), "the oldest entry went");
    }

    @Test
    void aCrashedWritersLeftoverGoesAFreshOneStays(@TempDir Path root) throws Exception {
        CompiledCache c = cache(root, 1 << 20);
        c.put(LAYOUT, key(1), data(100, 1));
        Path dir = root.resolve(LAYOUT);
        Files.write(dir.resolve(".tmp-0000000000000001"), data(1000, 1));
        Files.write(dir.resolve(".tmp-0000000000000002"), data(1000, 2));
        age(dir.resolve(".tmp-0000000000000001"), Duration.ofHours(2));
        c.put(LAYOUT, key(2), data(100, 2));
        assertFalse(Files.exists(dir.resolve(".tmp-0000000000000001")), "a writer's file two hours old is a crashed one's");
        assertTrue(Files.exists(dir.resolve(".tmp-0000000000000002")), "a fresh one may be a concurrent writer's");
    }

    @Test
    void aReadTouchesAnEntryAtMostOnceADay(@TempDir Path root) throws Exception {
        CompiledCache c = cache(root, 1 << 20);
        c.put(LAYOUT, key(1), data(100, 1));
        Path entry = root.resolve(LAYOUT).resolve(key(1) + ".bin");
        age(entry, Duration.ofHours(5));
        FileTime fiveHours = Files.getLastModifiedTime(entry);
        assertNotNull(c.get(LAYOUT, key(1)));
        assertEquals(fiveHours, Files.getLastModifiedTime(entry), "read within a day of its last mark: not written");
        age(entry, Duration.ofDays(2));
        assertNotNull(c.get(LAYOUT, key(1)));
        assertTrue(Files.getLastModifiedTime(entry).toInstant().isAfter(Instant.now().minus(Duration.ofMinutes(1))), "marked used now");
    }

    @Test
    void theBoundMustBePositive(@TempDir Path root) {
        assertThrows(IllegalArgumentException.class, () -> cache(root, 0));
        assertThrows(IllegalArgumentException.class, () -> cache(root, -1));
    }

    private static List<Path> list(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.toList();
        }
    }
}
