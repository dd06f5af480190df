package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.Replication;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replicated volume's local copies against a real in-process node over RA-TLS, at the level of
 * blocks (no file system over them): a new copy's blocks fetched in the background while the
 * mount writes and commits the same blocks, and a stale copy whose changed blocks are fetched as
 * read. Whatever the interleaving, a read gives the newest committed or written block, and the
 * copy on disk ends with exactly the cluster's blocks: a fetch never puts an older block over one
 * the mount wrote.
 */
class ReplicatedVolumesTest {
    private static final Host HOST = new LinuxHost();
    private static final String CLUSTER = "volumes-test";
    private static final int BS = BlockStore.BLOCK_SIZE;
    private static final int N = 8192; // 32 MiB: 32 fetches of a run, so the background fetch outlasts many commits
    @TempDir
    static Path config;
    @TempDir
    Path dir;
    private static TestTrust trust;

    private Endpoint at;
    private Node node;

    @BeforeAll
    static void setUp() throws Exception {
        trust = TestTrust.pinned(HOST, config);
    }

    /** A cluster of one node, in this process. */
    @BeforeEach
    void startNode() throws Exception {
        at = new Endpoint("127.0.0.1", TestTrust.freePort());
        node = Node.start(HOST, new Node.Config("n1", at, Map.of("n1", at), dir.resolve("n1"), CLUSTER), trust.credentials("n1"));
    }

    @AfterEach
    void stopNode() throws Exception {
        node.close();
    }

    /** A writer token (any 32 bytes: the cluster only compares them). */
    private static byte[] token(long seed) {
        byte[] t = new byte[32];
        new Random(seed).nextBytes(t);
        return t;
    }

    /** Block {@code i} as written in round {@code gen} (0: the first copy's). */
    private static byte[] block(long i, int gen) {
        ByteBuffer b = ByteBuffer.allocate(BS);
        for (int k = 0; k < BS / 16; k++) b.putLong(i).putInt(gen).putInt(k);
        return b.array();
    }

    private static void assertBlock(long i, int gen, byte[] got, String where) {
        ByteBuffer b = ByteBuffer.wrap(got);
        assertEquals(i, b.getLong(0), where + ": block " + i + " holds block " + b.getLong(0));
        assertEquals(gen, b.getInt(8), where + ": block " + i + " is round " + b.getInt(8) + "'s, not " + gen + "'s");
        assertArrayEquals(block(i, gen), got, where + ": block " + i);
    }

    private static void assertCopy(Path file, Map<Long, Integer> gens) throws Exception {
        assertEquals((long) N * BS, Files.size(file), file + "'s size");
        try (HostBlockStore s = HostBlockStore.open(HOST, file, false, false)) {
            byte[] b = new byte[BS];
            for (long i = 0; i < N; i++) {
                assertTrue(s.read(i, b));
                assertBlock(i, gens.getOrDefault(i, 0), b, file.getFileName().toString());
            }
        }
    }

    @Test
    void aLargeWriteIsSentAheadOfItsCommitAndHoldsBoundedMemory() throws Exception {
        byte[] token = token(2);
        ClusterClient client = ClusterClient.connect(HOST, at, CLUSTER, trust.credentials(null));
        try (ReplicatedFreshness cluster = new ReplicatedFreshness(client)) {
            Path copy = dir.resolve("ahead.vol");
            ReplicatedBlockStore store = (ReplicatedBlockStore) cluster.replication().attach("ahead.vol", token, HostBlockStore.open(HOST, copy, true, true), copy);
            try {
                int run = 64;
                byte[] src = new byte[run * BS];
                for (int first = 0; first < N; first += run) { // 32 MiB written as a volume's write-behind writes, no sync
                    for (int k = 0; k < run; k++) System.arraycopy(block(first + k, 1), 0, src, k * BS, BS);
                    store.writeRun(first, run, src, 0);
                    store.syncBehind();
                    assertTrue(store.queued() < ReplicatedBlockStore.SEND_AHEAD + run, store.queued() + " blocks in memory after block " + (first + run));
                }
                // sent ahead: the cluster has the data blocks and the copy holds them; the superblock's slots wait for the commit
                var hashes = client.readJsonHere(Command.hashes("ahead.vol", 0, 4096), 0).path("hashes");
                var sha = ClusterStateMachine.sha256();
                assertTrue(hashes.get(0).isNull() && hashes.get(1).isNull(), "the superblock's slots were sent before the commit");
                for (int i = 2; i < 4096; i++) {
                    assertEquals(java.util.Base64.getEncoder().encodeToString(sha.digest(block(i, 1))), hashes.get(i).asText(), "block " + i + " in the cluster");
                }
                store.sync();
                hashes = client.readJsonHere(Command.hashes("ahead.vol", 0, 2), 0).path("hashes");
                assertTrue(hashes.get(0).isTextual() && hashes.get(1).isTextual(), "the slots after the commit");
                assertEquals(0, store.queued());
            } finally {
                store.close();
            }
            Map<Long, Integer> gens = new HashMap<>();
            for (long i = 0; i < N; i++) gens.put(i, 1);
            assertCopy(copy, gens);
        }
    }

    @Test
    void fetchesInTheBackgroundAndAsReadNeverPutAnOlderBlockOverOneTheMountWrote() throws Exception {
        byte[] token = token(1);
        try (ReplicatedFreshness cluster = new ReplicatedFreshness(ClusterClient.connect(HOST, at, CLUSTER, trust.credentials(null)))) {
            Replication volumes = cluster.replication();
            // the first copy, sent to a cluster that has none of the volume
            Path first = dir.resolve("first.vol");
            try (HostBlockStore s = HostBlockStore.open(HOST, first, true, true)) {
                for (long i = 0; i < N; i++) s.write(i, block(i, 0));
                s.sync();
            }
            volumes.attach("race.vol", token, HostBlockStore.open(HOST, first, true, false), first).close();

            // a new copy: every block missing, fetched in the background while the mount writes,
            // reads and commits blocks all over the volume
            Path fresh = dir.resolve("fresh.vol");
            Map<Long, Integer> gens = new HashMap<>();
            Random rnd = new Random(42);
            byte[] b = new byte[BS];
            BlockStore store = volumes.attach("race.vol", token, HostBlockStore.open(HOST, fresh, true, true), fresh);
            try {
                for (int round = 1; round <= 60; round++) {
                    for (int w = 0; w < 16; w++) {
                        long i = rnd.nextInt(N);
                        store.write(i, block(i, round));
                        gens.put(i, round);
                    }
                    for (int r = 0; r < 8; r++) {
                        long i = rnd.nextInt(N);
                        assertTrue(store.read(i, b));
                        assertBlock(i, gens.getOrDefault(i, 0), b, "a read in round " + round);
                    }
                    store.sync();
                }
                for (long i = 0; i < N; i++) { // whatever the background has not fetched yet, fetched now
                    assertTrue(store.read(i, b));
                    assertBlock(i, gens.getOrDefault(i, 0), b, "the new copy's read");
                }
            } finally {
                store.close();
            }
            assertCopy(fresh, gens);

            // the first copy is stale now: its changed blocks are fetched as read, the mount's own
            // writes win over them, and the copy ends with the cluster's blocks
            store = volumes.attach("race.vol", token, HostBlockStore.open(HOST, first, true, false), first);
            try {
                for (int w = 0; w < 32; w++) {
                    long i = rnd.nextInt(N);
                    store.write(i, block(i, 100));
                    gens.put(i, 100);
                }
                store.sync();
                for (long i = N - 1; i >= 0; i--) {
                    assertTrue(store.read(i, b));
                    assertBlock(i, gens.getOrDefault(i, 0), b, "the stale copy's read");
                }
            } finally {
                store.close();
            }
            assertCopy(first, gens);
        }
    }
}
