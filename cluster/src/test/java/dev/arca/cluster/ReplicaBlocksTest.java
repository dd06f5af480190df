package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replicated volume's blocks on a node's disk: what is written is read back after sealing and
 * loading, compaction keeps the newest of each block only, and damaged or altered segment files
 * are errors that name the volume, never a wrong block served. Real files in a temporary directory.
 */
class ReplicaBlocksTest {
    private static final Host HOST = new LinuxHost();
    private static final long MAX = 1 << 16;
    @TempDir
    Path dir;
    private HostFd fd;
    private final List<ReplicaBlocks> opened = new ArrayList<>();
    private long entry; // the log index of the next write, as the state machine gives it

    @BeforeEach
    void open() throws Exception {
        fd = HOST.openDirectory(dir);
    }

    @AfterEach
    void close() {
        opened.forEach(ReplicaBlocks::close);
        fd.close();
    }

    private ReplicaBlocks fresh() {
        ReplicaBlocks r = new ReplicaBlocks(HOST, fd, "v.vol", MAX);
        opened.add(r);
        return r;
    }

    private ReplicaBlocks load(JsonNode list) throws IOException {
        ReplicaBlocks r = ReplicaBlocks.load(HOST, fd, "v.vol", MAX, list, entry);
        opened.add(r);
        return r;
    }

    /** The segment files in the directory: number to records (from the file's length). */
    private java.util.Map<Integer, Long> segments() throws IOException {
        java.util.Map<Integer, Long> m = new java.util.TreeMap<>();
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : files.toList()) {
                var match = java.util.regex.Pattern.compile("v\\.vol~(\\d{8})").matcher(f.getFileName().toString());
                if (match.matches()) m.put(Integer.parseInt(match.group(1)), java.nio.file.Files.size(f) / ReplicaBlocks.RECORD);
            }
        }
        return m;
    }

    private static Command.Block block(long i, int fill) {
        byte[] b = new byte[Command.BLOCK_SIZE];
        Arrays.fill(b, (byte) fill);
        b[0] = (byte) i;
        return new Command.Block(i, b);
    }

    private static void same(ReplicaBlocks r, long i, int fill) throws ClusterException {
        assertArrayEquals(block(i, fill).data(), r.read(i), "block " + i);
        assertArrayEquals(ClusterStateMachine.sha256(block(i, fill).data()), r.hash(i), "hash of block " + i);
    }

    @Test
    void aRunOfRecordsIsReadTogetherAndEachStillChecked() throws Exception {
        ReplicaBlocks r = fresh();
        List<Command.Block> batch = new ArrayList<>();
        for (long i = 0; i < 600; i++) if (i != 7) batch.add(block(i, 1)); // neighbouring records, a hole at 7
        for (int k = 0; k < batch.size(); k += Command.MAX_BLOCKS) r.write(batch.subList(k, Math.min(batch.size(), k + Command.MAX_BLOCKS)), ++entry);
        r.write(List.of(block(300, 2)), ++entry); // block 300's newest record is elsewhere: a run breaks around it
        for (long from : new long[] {0, 5, 250, 299, 590}) {
            int count = (int) Math.min(Command.MAX_BLOCKS + 10, 610 - from);
            byte[][] got = r.read(from, count), hashes = r.hashes(from, count);
            for (int i = 0; i < count; i++) {
                long b = from + i;
                byte[] want = b == 7 || b >= 600 ? null : block(b, b == 300 ? 2 : 1).data();
                assertArrayEquals(want, got[i], "block " + b);
                assertArrayEquals(want == null ? null : ClusterStateMachine.sha256(want), hashes[i], "hash of block " + b);
            }
        }
        JsonNode list = r.seal(new ArrayList<>());
        r.close();
        // a flipped byte in the middle of a run: the read of the run names that block, never serves it
        Path seg = dir.resolve(ReplicaBlocks.segmentFile("v.vol", 1));
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(100L * ReplicaBlocks.RECORD + ReplicaBlocks.HEADER + 9); // the 101st record: block 101 (7 is a hole)
            f.write(0x55);
        }
        ReplicaBlocks flipped = load(list);
        ClusterException e = assertThrows(ClusterException.class, () -> flipped.read(0, Command.MAX_BLOCKS));
        assertTrue(e.getMessage().contains("block 101 ") && e.getMessage().contains("damaged"), e.getMessage());
        assertEquals(Command.MAX_BLOCKS, flipped.read(102, Command.MAX_BLOCKS).length, "the blocks after it read");
        assertArrayEquals(block(100, 1).data(), flipped.read(100));
        // a segment cut short under a running node (a load refuses one), in the middle of a run: the first record missing is named
        ReplicaBlocks cut = load(list);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(50L * ReplicaBlocks.RECORD + 10);
        }
        e = assertThrows(ClusterException.class, () -> cut.read(40, 20));
        assertTrue(e.getMessage().contains("block 51 ") && e.getMessage().contains("short"), e.getMessage());
    }

    /** Which blocks {@link ReplicaBlocks#hashesSince} gives a hash for ('h'), leaves out ('-') or has none of ('.'). */
    private static String since(ReplicaBlocks r, long from, int count, long since) throws ClusterException {
        StringBuilder b = new StringBuilder();
        byte[][] all = r.hashes(from, count);
        byte[][] got = r.hashesSince(from, count, since);
        for (int i = 0; i < count; i++) {
            if (got[i] == null) b.append('.');
            else if (got[i] == ReplicaBlocks.UNCHANGED) b.append('-');
            else {
                assertArrayEquals(all[i], got[i], "block " + (from + i) + "'s hash");
                b.append('h');
            }
        }
        return b.toString();
    }

    @Test
    void theBlocksWrittenAfterAnIndexAreNamedThroughSealsCompactionAndLoads() throws Exception {
        ReplicaBlocks r = fresh();
        List<Command.Block> first = new ArrayList<>();
        for (long i = 0; i < 300; i++) first.add(block(i, 1));
        r.write(first.subList(0, 256), 10);
        r.write(first.subList(256, 300), 11);
        r.write(List.of(block(3, 2), block(4, 2), block(299, 2), block(310, 2)), 12);
        assertEquals("---hh-----", since(r, 0, 10, 11));
        assertEquals("-h..........h", since(r, 298, 13, 11), "runs of changed blocks after a block that was not, and holes");
        assertEquals("hhhhhhhhhh", since(r, 0, 10, 9));
        assertEquals("hhhhh", since(r, 0, 5, -1), "no index: every hash");
        assertEquals("-----", since(r, 0, 5, 12));
        // a seal, then compaction (every record rewritten more than once): the indexes stay
        List<String> retired = new ArrayList<>();
        r.seal(retired);
        for (int round = 0; round < 3; round++) r.write(first.subList(20, 276).stream().map(b -> block(b.index(), 3)).toList(), 13 + round);
        JsonNode list = r.seal(retired);
        assertTrue(!retired.isEmpty(), "compacted: " + list);
        assertEquals("---hh-----", since(r, 0, 10, 11));
        assertEquals("--hh", since(r, 18, 4, 14), "block 20 on was written by entry 15");
        assertEquals("----", since(r, 18, 4, 15));
        // loaded from a snapshot at index 40: each block counts as written then (its own index is not kept)
        r.close();
        for (String f : retired) Files.delete(dir.resolve(f));
        ReplicaBlocks back = ReplicaBlocks.load(HOST, fd, "v.vol", MAX, list, 40);
        opened.add(back);
        assertEquals("hhhhh", since(back, 0, 5, 39));
        assertEquals("-----", since(back, 0, 5, 40));
        back.write(List.of(block(2, 5)), 41);
        assertEquals("--h--", since(back, 0, 5, 40));
    }

    @Test
    void blocksWrittenAreReadBackBeforeAndAfterASealAndALoad() throws Exception {
        ReplicaBlocks r = fresh();
        r.write(List.of(block(0, 1), block(5, 1)), ++entry);
        r.write(List.of(block(5, 2), block(9, 3)), ++entry);
        assertEquals(10, r.size());
        assertEquals(3, r.present());
        same(r, 5, 2);
        assertNull(r.read(1), "a hole");
        assertNull(r.hash(7), "a hole");
        assertNull(r.read(1L << 20), "past the end");
        List<String> retired = new ArrayList<>();
        JsonNode list = r.seal(retired);
        assertTrue(retired.isEmpty(), "four records, three live: no compaction");
        assertEquals("[[1,4]]", list.toString());
        r.write(List.of(block(9, 4)), ++entry); // after the seal: a second segment, which the list above does not name
        assertEquals(java.util.Map.of(1, 4L, 2, 1L), segments(), "segment files on the disk: number -> records");
        r.close();
        ReplicaBlocks back = load(list);
        assertEquals(10, back.size());
        assertEquals(3, back.present());
        same(back, 0, 1);
        same(back, 5, 2);
        same(back, 9, 3); // as the snapshot had it: the log's later entries write block 9 again
        back.write(List.of(block(9, 4)), ++entry);
        same(back, 9, 4);
        assertEquals(java.util.Map.of(1, 4L, 2, 1L), segments(), "the next segment after the ones named, the sealed one untouched");
    }

    @Test
    void compactionKeepsTheNewestOfEachBlockAndRetiresTheRest() throws Exception {
        ReplicaBlocks r = fresh();
        List<String> retired = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            List<Command.Block> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) batch.add(block(i * 3L, round));
            r.write(batch, ++entry);
            JsonNode list = r.seal(retired);
            if (round < 3) {
                assertTrue(retired.isEmpty(), "round " + round + ": compaction waits for more dead records than live (and 256 of them)");
                assertEquals(round, list.size());
            } else {
                // 600 records, 200 live: one segment of the live ones, the three others retired
                assertEquals("[[4,200]]", list.toString());
                assertEquals(6, retired.size(), "three segments and their indexes: " + retired);
            }
        }
        for (int i = 0; i < 200; i++) same(r, i * 3L, 3);
        r.write(List.of(block(1000, 9)), ++entry);
        JsonNode list = r.seal(retired);
        assertEquals("[[4,200],[5,1]]", list.toString());
        same(r, 1000, 9);
        r.close();
        for (String f : retired) Files.delete(dir.resolve(f)); // what the state machine does one snapshot later
        ReplicaBlocks back = load(list);
        assertEquals(201, back.present());
        for (int i = 0; i < 200; i++) same(back, i * 3L, 3);
        same(back, 1000, 9);
    }

    @Test
    void damagedOrAlteredSegmentsAreErrorsNamingTheVolume() throws Exception {
        ReplicaBlocks r = fresh();
        r.write(List.of(block(0, 1), block(1, 2), block(2, 3)), ++entry);
        JsonNode list = r.seal(new ArrayList<>());
        r.close();
        Path seg = dir.resolve(ReplicaBlocks.segmentFile("v.vol", 1));
        Path idx = dir.resolve(ReplicaBlocks.indexFile("v.vol", 1));
        byte[] segBytes = Files.readAllBytes(seg);
        byte[] idxBytes = Files.readAllBytes(idx);

        // a flipped byte in block 1's data: read refuses it
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(ReplicaBlocks.RECORD + ReplicaBlocks.HEADER + 100);
            f.write(0x55);
        }
        ReplicaBlocks flipped = load(list);
        same(flipped, 0, 1);
        ClusterException e = assertThrows(ClusterException.class, () -> flipped.read(1));
        assertTrue(e.getMessage().contains("v.vol") && e.getMessage().contains("block 1") && e.getMessage().contains("damaged"), e.getMessage());

        // records swapped (a host moving ciphertext around): the record names another block
        byte[] swapped = segBytes.clone();
        System.arraycopy(segBytes, 0, swapped, ReplicaBlocks.RECORD, ReplicaBlocks.RECORD);
        System.arraycopy(segBytes, ReplicaBlocks.RECORD, swapped, 0, ReplicaBlocks.RECORD);
        Files.write(seg, swapped);
        ReplicaBlocks moved = load(list);
        e = assertThrows(ClusterException.class, () -> moved.read(0));
        assertTrue(e.getMessage().contains("names another block"), e.getMessage());
        e = assertThrows(ClusterException.class, () -> moved.hash(1));
        assertTrue(e.getMessage().contains("names another block"), e.getMessage());

        // truncated segment, truncated index, an index naming a block out of bounds, a missing file
        Files.write(seg, Arrays.copyOf(segBytes, segBytes.length - 1));
        IOException io = assertThrows(IOException.class, () -> load(list));
        assertTrue(io.getMessage().contains("v.vol") && io.getMessage().contains("segment 1 is damaged"), io.getMessage());
        Files.write(seg, segBytes);
        Files.write(idx, Arrays.copyOf(idxBytes, 16));
        io = assertThrows(IOException.class, () -> load(list));
        assertTrue(io.getMessage().contains("damaged"), io.getMessage());
        byte[] far = idxBytes.clone();
        far[7] = 0x7f; // block 0's index, little-endian: huge
        Files.write(idx, far);
        io = assertThrows(IOException.class, () -> load(list));
        assertTrue(io.getMessage().contains("out of bounds"), io.getMessage());
        Files.write(idx, idxBytes);
        Files.delete(seg);
        io = assertThrows(IOException.class, () -> load(list));
        assertTrue(io.getMessage().contains("v.vol"), io.getMessage());

        // a name no volume has (a hostile leader's snapshot), and a malformed list
        io = assertThrows(IOException.class, () -> ReplicaBlocks.load(HOST, fd, "../v.vol", MAX, list, entry));
        assertTrue(io.getMessage().contains("not a volume's name"), io.getMessage());
        Files.write(seg, segBytes);
        ObjectMapper json = new ObjectMapper();
        for (String bad : new String[] {"[[1]]", "[[\"x\",3]]", "[[1,-3]]", "[[1,3],[1,3]]", "[7]"}) {
            io = assertThrows(IOException.class, () -> load(json.readTree(bad)), bad);
            assertTrue(io.getMessage().contains("malformed"), bad + ": " + io.getMessage());
        }
    }
}
