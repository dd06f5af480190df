package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.BlockStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A replicated volume's commit as the cluster's log sees it ({@link ReplicatedBlockStore#commit}):
 * a commit of many entries sends the entries of blocks alone a few at a time, and the one with
 * the superblock and the version only once all of them are committed; a failed or interrupted
 * entry keeps the superblock out of the log and its blocks queued. A log that records, delays and
 * fails on demand; tests/cluster/replicated.sh commits 80 MiB through real nodes.
 */
class ReplicatedBlockStoreTest {
    private static final byte[] VOLUME = new byte[16];

    /** A local copy in memory. */
    static final class Local implements BlockStore {
        final Map<Long, byte[]> blocks = new HashMap<>();

        @Override
        public boolean read(long index, byte[] dst) {
            byte[] b = blocks.get(index);
            if (b == null) return false;
            System.arraycopy(b, 0, dst, 0, BLOCK_SIZE);
            return true;
        }

        @Override
        public void write(long index, byte[] src) {
            blocks.put(index, src.clone());
        }

        @Override
        public void sync() {}

        @Override
        public String name() {
            return "mem";
        }
    }

    /** The cluster's log: keeps each entry's indexes and version in the order entries committed; delays and fails on demand. */
    static final class Log implements ReplicatedBlockStore.Log {
        final List<List<Long>> committed = Collections.synchronizedList(new ArrayList<>());
        final List<Long> versions = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        volatile long delayMillis;
        volatile Predicate<List<Long>> fails = e -> false;

        @Override
        public JsonNode write(Command c) throws ClusterException {
            List<Long> indexes = new ArrayList<>();
            c.body().get("indexes").forEach(n -> indexes.add(n.asLong()));
            int now = inFlight.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                if (delayMillis > 0) Thread.sleep(delayMillis);
                if (fails.test(indexes)) throw new ClusterException("blocks: fenced (by test)");
                committed.add(indexes);
                if (c.volume() != null) versions.add(c.version());
                return Node.JSON.createObjectNode().put("version", c.volume() == null ? -1 : c.version());
            } catch (InterruptedException e) {
                throw new ClusterException("blocks: interrupted");
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** The cluster's record of versions: a commit through it carries the version in its last entry (never called here). */
    private static final dev.arca.fs.encfs.Freshness RECORD = dev.arca.fs.encfs.Freshness.inMemory();

    private static ReplicatedBlockStore store(Log log) {
        return new ReplicatedBlockStore(new Local(), log, "vol", new byte[32], 1, RECORD);
    }

    /** Writes blocks 2..n+1 and the superblock's two slots, then commits version {@code version} (the cluster's record). */
    private static void writeAndCommit(ReplicatedBlockStore s, int n, long version) throws ErrnoException {
        byte[] b = new byte[BlockStore.BLOCK_SIZE];
        for (long i = 2; i < n + 2; i++) s.write(i, b);
        s.write(0, b);
        s.write(1, b);
        s.commit(RECORD, VOLUME, version);
    }

    @Test
    void aLargeCommitSendsItsBlocksAFewAtATimeAndTheSuperblockLast() throws Exception {
        Log log = new Log();
        log.delayMillis = 30;
        ReplicatedBlockStore s = store(log);
        writeAndCommit(s, 1_100, 7); // 1,102 blocks: five entries, the last with the superblock
        assertEquals(5, log.committed.size());
        List<Long> last = log.committed.getLast();
        assertEquals(List.of(0L, 1L), last.subList(last.size() - 2, last.size()), "the superblock's slots end the last entry");
        assertEquals(List.of(7L), log.versions, "the version only with the last entry");
        Set<Long> all = new TreeSet<>();
        for (List<Long> e : log.committed) all.addAll(e);
        assertEquals(1_102, all.size(), "every block once");
        for (List<Long> e : log.committed.subList(0, 4)) {
            assertEquals(Command.MAX_BLOCKS, e.size());
            assertFalse(e.contains(0L) || e.contains(1L));
        }
        assertTrue(log.most.get() > 1, "entries of blocks alone overlap");
        assertTrue(log.most.get() <= ReplicatedBlockStore.WINDOW, "at most " + ReplicatedBlockStore.WINDOW + " in flight: " + log.most.get());
        // nothing left queued: a sync sends nothing more
        s.sync();
        assertEquals(5, log.committed.size());
    }

    @Test
    void aSmallCommitIsOneEntry() throws Exception {
        Log log = new Log();
        ReplicatedBlockStore s = store(log);
        writeAndCommit(s, 3, 1);
        assertEquals(List.of(List.of(2L, 3L, 4L, 0L, 1L)), log.committed);
        assertEquals(1, log.most.get());
        // a commit with no block (only the version) is one entry too
        s.commit(RECORD, VOLUME, 2);
        assertEquals(List.of(), log.committed.getLast());
        assertEquals(List.of(1L, 2L), log.versions);
    }

    @Test
    void aFailedEntryKeepsTheSuperblockOutAndItsBlocksQueued() throws Exception {
        Log log = new Log();
        ReplicatedBlockStore s = store(log);
        // the entry holding block 600 fails (the third of four entries of blocks alone)
        log.fails = e -> e.contains(600L);
        ErrnoException e = assertThrows(ErrnoException.class, () -> writeAndCommit(s, 1_100, 7));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("fenced (by test)"), e.getMessage());
        assertTrue(log.versions.isEmpty(), "no version recorded");
        for (List<Long> c : log.committed) assertFalse(c.contains(0L) || c.contains(1L), "the superblock never reached the log");
        assertEquals(3, log.committed.size(), "the other entries of blocks went through");
        // the next commit sends what did not commit, nothing twice
        log.fails = x -> false;
        int before = log.committed.size();
        s.commit(RECORD, VOLUME, 7);
        List<List<Long>> again = log.committed.subList(before, log.committed.size());
        Set<Long> resent = new TreeSet<>();
        for (List<Long> c : again) resent.addAll(c);
        assertTrue(resent.contains(600L) && resent.contains(0L) && resent.contains(1L), String.valueOf(resent));
        // the failed entry's 256 blocks and the last entry's, which was never sent: 76 blocks and the superblock's two slots
        assertEquals(Command.MAX_BLOCKS + (1_102 - 4 * Command.MAX_BLOCKS), resent.size(), "what did not commit, only");
        assertEquals(List.of(7L), log.versions);
    }

    @Test
    void anInterruptedCommitStopsSendingKeepsItsInterruptAndSendsNoSuperblock() throws Exception {
        Log log = new Log();
        log.delayMillis = 300;
        ReplicatedBlockStore s = store(log);
        // eight entries of blocks alone: the window fills, and the interrupt comes while the committer waits for room
        ErrnoException[] failed = new ErrnoException[1];
        boolean[] kept = new boolean[1];
        Thread committer = new Thread(() -> {
            try {
                writeAndCommit(s, 8 * Command.MAX_BLOCKS, 9);
            } catch (ErrnoException e) {
                failed[0] = e;
            }
            kept[0] = Thread.interrupted();
        });
        committer.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (log.inFlight.get() < ReplicatedBlockStore.WINDOW && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(ReplicatedBlockStore.WINDOW, log.inFlight.get(), "the window filled");
        committer.interrupt();
        committer.join(10_000);
        assertFalse(committer.isAlive());
        assertTrue(failed[0] != null && failed[0].errno() == Errno.EIO, String.valueOf(failed[0]));
        assertTrue(failed[0].getMessage().contains("interrupted"), failed[0].getMessage());
        assertTrue(kept[0], "the interrupt is kept");
        assertTrue(log.versions.isEmpty());
        for (List<Long> c : log.committed) assertFalse(c.contains(0L) || c.contains(1L), "the superblock never reached the log");
        assertTrue(log.committed.size() <= ReplicatedBlockStore.WINDOW, "no entry sent after the interrupt: " + log.committed.size());
        assertEquals(0, log.inFlight.get(), "nothing left in flight");
    }
}
