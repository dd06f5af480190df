package dev.arca.fs.encfs;

import static dev.arca.fs.encfs.Vol.at;
import static dev.arca.fs.encfs.Vol.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Crash injection at every write: a small workload runs against a store that loses power after
 * its Nth write (block writes, syncs and freshness updates all count), for EVERY N from 0 to the
 * workload's total. The disk left behind (synced blocks plus none, all, alternate, a torn last
 * one, or only the last one of the unsynced writes) must open without any verification failure, hold a state the
 * workload passed through at or after its last acknowledged step (fsync, close, or a change of
 * names), and accept new writes.
 *
 * <p>Four shapes of the same workload: the first file small (3 blocks); 40 blocks in one write
 * (sealed at the fsync as one run: parallel sealing, one store write per run of blocks, so the
 * crash falls inside the run); and 40 blocks written in pieces of 4 blocks with a cache of 16
 * blocks (write-behind: batches sealed and written by the volume's writer thread while the
 * workload goes on, and the crash falls inside a batch); and the last again on a volume that
 * commits only at fsync ({@code --commit fsync}), where only the fsync, the creation and the
 * unmount are acknowledged and the changes between are committed together.
 */
class EncFsCrashTest {

    private static final class Run {
        final List<TreeMap<String, String>> states = new ArrayList<>();
        int acknowledged = -1; // index into states of the last acknowledged state
        EncFs fs;
        MemStore store;

        /** ack: the step returned success; a close acknowledges only if its commit went through. */
        void state(boolean ack) throws ErrnoException {
            states.add(Vol.snapshot(fs));
            if (ack && !store.crashed) acknowledged = states.size() - 1;
        }
    }

    /**
     * How the workload's first file is written, the volume's cache, and whether the volume commits
     * eagerly (changes of names and closes acknowledged) or only at fsync (those are not; no
     * background commit within the test, so the crash points are the same on every run).
     */
    private record Shape(int bigBytes, int piece, int cacheBlocks, boolean eager, boolean indexed) {
        Shape(int bigBytes, int piece, int cacheBlocks) {
            this(bigBytes, piece, cacheBlocks, true, false);
        }

        Shape(int bigBytes, int piece, int cacheBlocks, boolean eager) {
            this(bigBytes, piece, cacheBlocks, eager, false);
        }

        EncFs.Options options(Freshness f) {
            // every run of free blocks given back at every commit: a block given back too early reads as zeros
            EncFs.Options o = Vol.options(f).withCacheBlocks(cacheBlocks).withGiveBackBlocks(1);
            return eager ? o : o.withCommitAtSync(3_600_000);
        }
    }

    /** A name of the indexed directory's workload: long, so that a run holds about 15 of them. */
    private static String longName(String prefix, int i) {
        return prefix + "-".repeat(200) + String.format("%03d", i);
    }

    /**
     * The workload of an indexed directory: 60 names made and committed at once (four runs or so
     * and their index), the volume mounted again so that its runs are read as names are used, then
     * a name entered in a run, names entered until a run splits, the lowest run emptied (its range
     * to the run above), a name moved out and one moved in, each a commit of its own.
     */
    private static void indexedWorkload(MemStore store, Freshness f, Run run, Shape shape) throws ErrnoException {
        run.store = store;
        run.fs = EncFs.create(store, Vol.KEY, Vol::random, shape.options(f).withCommitAtSync(3_600_000));
        run.state(true);
        run.fs.root().createDirectory("many");
        Node many = run.fs.root().lookup("many");
        for (int i = 0; i < 60; i++) many.createFile(longName("m", i), true);
        run.fs.root().createFile("outside", true);
        run.state(false);
        run.fs.close(); // commits
        if (!store.crashed) run.acknowledged = run.states.size() - 1;
        run.fs = EncFs.open(store, Vol.KEY, Vol::random, shape.options(f), null); // commits at every change of names
        many = run.fs.root().lookup("many");
        many.lookup(longName("m", 30)); // one run read
        assertEquals(DirectoryBlocks.FORMAT, ((EncNode) many).directoryFormat(), "indexed");
        assertTrue(((EncNode) many).entries().size() < 30, "one run in memory: " + ((EncNode) many).entries().size());
        many.createFile(longName("m", 30) + "a", true);
        run.state(true);
        for (int i = 0; i < 16; i++) { // a run outgrows its block
            many.createFile(longName("m", 45) + i, true);
            run.state(true);
        }
        for (int i = 0; i < 20; i++) { // the lowest run empties
            many.unlink(longName("m", i));
            run.state(true);
        }
        run.fs.root().rename("outside", many, longName("m", 50) + "in");
        run.state(true);
        many.rename(longName("m", 55), run.fs.root(), "out");
        run.state(true);
        run.fs.close();
        if (!store.crashed) run.acknowledged = run.states.size() - 1;
    }

    /** The workload; records each state it passes through and which ones were acknowledged. */
    private static void workload(MemStore store, Freshness f, Run run, Shape shape) throws ErrnoException {
        if (shape.indexed()) {
            indexedWorkload(store, f, run, shape);
            return;
        }
        run.store = store;
        run.fs = EncFs.create(store, Vol.KEY, Vol::random, shape.options(f));
        boolean names = shape.eager(); // whether a change of names or a close is acknowledged
        run.state(true);
        Node root = run.fs.root();
        Node a = root.createFile("a", true); // commits (a change of names), when eager
        run.state(names);
        FileHandle h = a.open(true, true);
        byte[] big = new byte[shape.bigBytes()];
        for (int i = 0; i < big.length; i++) big[i] = (byte) ('A' + i / 4096 % 26);
        for (int at = 0; at < big.length; at += shape.piece()) {
            h.write(ByteBuffer.wrap(big, at, Math.min(shape.piece(), big.length - at)), at);
        }
        run.state(false);
        h.sync(false);
        run.state(true);
        h.write(ByteBuffer.wrap("overwrite".getBytes()), 4090);
        run.state(false);
        root.createDirectory("d"); // commits everything, including a's new data, when eager
        run.state(names);
        Node b = root.lookup("d").createFile("b", true);
        run.state(names);
        write(b, 0, "bee"); // close commits, when eager
        run.state(names);
        h.truncate(100);
        h.write(ByteBuffer.wrap("sparse".getBytes()), 20_000);
        run.state(false);
        h.close();
        run.state(names);
        root.rename("a", root.lookup("d"), "a2");
        run.state(names);
        run.fs.sync(root); // fsync of a directory: commits, in either mode
        run.state(true);
        root.createSymlink("s", "d/b");
        run.state(names);
        root.link("h", at(run.fs, "d/b"));
        run.state(names);
        root.lookup("d").unlink("b");
        run.state(names);
        run.fs.close(); // commits, in either mode
        if (!store.crashed) run.acknowledged = run.states.size() - 1;
    }

    @Test
    void everyCrashPointRecoversToAnAcknowledgedState() throws ErrnoException {
        crashEverywhere(new Shape(9000, 9000, EncFs.CACHE_BLOCKS));
    }

    @Test
    void everyCrashPointInsideARunOfBlocks() throws ErrnoException {
        crashEverywhere(new Shape(40 * 4096, 40 * 4096, EncFs.CACHE_BLOCKS));
    }

    @Test
    void everyCrashPointInsideWriteBehind() throws ErrnoException {
        crashEverywhere(new Shape(40 * 4096, 4 * 4096, 16));
    }

    @Test
    void everyCrashPointOfAVolumeThatCommitsAtFsync() throws ErrnoException {
        crashEverywhere(new Shape(40 * 4096, 4 * 4096, 16, false));
    }

    @Test
    void everyCrashPointOfAnIndexedDirectory() throws ErrnoException {
        crashEverywhere(new Shape(0, 1, EncFs.CACHE_BLOCKS, true, true));
    }

    private static void crashEverywhere(Shape shape) throws ErrnoException {
        int logStart = Vol.LOG.size();
        MemStore clean = new MemStore();
        clean.syncIsEvent = true;
        Run full = new Run();
        workload(clean, Vol.counted(clean, new Vol.Known()), full, shape);
        long total = clean.writes;
        assertTrue(total > 20, "the workload writes " + total);
        assertTrue(clean.discarded > 0, "the workload gives free blocks back");
        int checked = 0;
        for (long n = 0; n <= total; n++) {
            MemStore store = new MemStore();
            store.syncIsEvent = true; // a cut at a sync: a listed commit's superblock may be on the disk without its blocks
            store.writesLeft = n;
            Vol.Known runKnown = new Vol.Known();
            Run run = new Run();
            try {
                workload(store, Vol.counted(store, runKnown), run, shape);
                assertEquals(total, n, "the workload finished before its last write");
            } catch (ErrnoException crash) {
                assertTrue(store.crashed, "only the power cut may fail: " + crash.getMessage());
                // the step that was cut short had been applied in memory and may have committed
                if (run.fs != null) {
                    try {
                        run.states.add(Vol.snapshot(run.fs));
                    } catch (ErrnoException unmounted) {
                        // cut short in the unmount's commit: the volume's state is the last one recorded
                    }
                }
            }
            for (MemStore.Crash how : MemStore.Crash.values()) {
                MemStore disk = store.afterCrash(how);
                Vol.Known known = runKnown.copy();
                String where = "crash after write " + n + " (" + how + ")";
                if (run.acknowledged < 0) {
                    continue; // not even the volume's creation was acknowledged
                }
                EncFs fs;
                try {
                    fs = Vol.open(disk, known);
                } catch (ErrnoException e) {
                    fail(where + ": volume does not open: " + e.getMessage());
                    return;
                }
                TreeMap<String, String> got = Vol.snapshot(fs);
                // the space map the mount read names exactly the blocks a walk of the whole tree finds
                assertEquals(fs.walkedBlocks(), fs.liveBlocks(), where + ": space map against a walk");
                List<TreeMap<String, String>> allowed = run.states.subList(run.acknowledged, run.states.size());
                if (!allowed.contains(got)) {
                    fail(where + ": state " + got + " is none of " + allowed);
                }
                // the recovered volume goes on working, and what it commits survives
                write(fs.root().createFile("after", false), 0, "ok");
                fs.close();
                EncFs again = Vol.open(disk, known);
                assertEquals("ok", Vol.read(again.root().lookup("after")), where);
                checked++;
            }
        }
        assertTrue(checked > 4 * (total - 5), "checked " + checked);
        System.out.println("encfs crash injection " + shape + ": " + (total + 1) + " crash points, " + checked + " disks recovered and checked");
        assertTrue(Vol.LOG.subList(logStart, Vol.LOG.size()).stream().noneMatch(l -> l.contains("security")), "no crash looks like tampering: " + Vol.LOG);
    }
}
