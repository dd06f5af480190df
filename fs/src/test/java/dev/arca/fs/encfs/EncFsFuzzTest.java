package dev.arca.fs.encfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.fs.union.UnionFs;
import java.nio.ByteBuffer;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random workloads on an encrypted volume against a model of the tree kept by the test, with
 * power cuts at random writes. Each seed runs operations drawn at random (create, write, truncate,
 * mkdir, unlink, rmdir, rename within and across directories and over existing targets, hard
 * and symbolic links, lookups of missing names, listings, reads, commits, remounts) over a few
 * directories whose long names make them span several runs of names and get an index, mounted
 * with caches small enough that inodes and directories' names are let go and read again in part,
 * every free run given back at every commit, and either commit setting. After every operation the
 * result is checked against the model (errors too); after every remount, the whole tree, its link
 * counts and the space map against a walk. A power cut is armed now and then: the disk it leaves
 * (each of {@link MemStore.Crash}'s shapes) must mount without a security line and hold a state
 * the workload passed through at or after its last acknowledged step, and the workload goes on
 * from it.
 *
 * <p>{@code ./test} runs a fixed slice ({@link #SEEDS} seeds); more for a long run: {@code mvn
 * -pl fs test -Dtest=EncFsFuzzTest -Darca.fuzz.encfs.seeds=2000} (and {@code
 * -Darca.fuzz.encfs.first=N} to start elsewhere). A failure names its seed and step.
 */
class EncFsFuzzTest {
    static final int SEEDS = 24;
    static final int STEPS = 1_200;

    /** A file of the model: its bytes and its number of names. */
    private static final class MFile {
        byte[] data = new byte[0];
        int links = 1;
    }

    /** A directory of the model: name to MFile, MDir or a symbolic link's target (String). */
    private static final class MDir {
        final TreeMap<String, Object> kids = new TreeMap<>();
    }

    @Test
    void randomWorkloadsWithPowerCuts() throws Exception {
        Totals t = seeds("encfs fuzz", 1, seed -> new Workload(seed, null, null));
        assertTrue(t.cuts >= t.seeds / 2, "power cuts happened: " + t.cuts);
        assertTrue(t.indexed >= t.seeds, "directories with an index were read in part: " + t.indexed);
    }

    /**
     * The same over a union mount: the volume as the writable layer over a read-only tree of
     * files, directories (one of long names) and links, which every operation may copy up,
     * white out or make opaque; the model starts as that tree.
     */
    @Test
    void randomWorkloadsOnAUnionWithPowerCuts() throws Exception {
        Totals t = seeds("union fuzz", 2, seed -> new Workload(seed, image(new Random(-seed)), null));
        assertTrue(t.cuts >= t.seeds / 2, "power cuts happened: " + t.cuts);
        assertTrue(t.whiteouts >= t.seeds, "the union whited out lower names: " + t.whiteouts);
    }

    /**
     * The same on real files (no power cuts): the volume a host file ({@link HostBlockStore}: runs
     * of blocks in host writes, holes punched, the file cut) and its freshness record a file
     * beside it ({@link LocalFreshness}).
     */
    @Test
    void randomWorkloadsOnAHostFile(@TempDir Path dir) throws Exception {
        Totals t = seeds("encfs fuzz on host files", 4, seed -> new Workload(seed, null, dir.resolve("vol-" + seed)));
        assertTrue(t.remounts >= t.seeds, "remounts: " + t.remounts);
    }

    interface Seed {
        Workload workload(int seed) throws Exception;
    }

    /**
     * Runs the workloads of seeds {@code arca.fuzz.encfs.first} on (1 unless told), as many as
     * {@code arca.fuzz.encfs.seeds} (or {@link #SEEDS}) divided by {@code share}; none may log a
     * security line. Prints and returns the totals.
     */
    private static Totals seeds(String what, int share, Seed make) throws Exception {
        int first = Integer.getInteger("arca.fuzz.encfs.first", 1);
        int seeds = Math.max(1, Integer.getInteger("arca.fuzz.encfs.seeds", SEEDS) / share);
        int logStart = Vol.LOG.size();
        Totals t = new Totals();
        t.seeds = seeds;
        for (int seed = first; seed < first + seeds; seed++) {
            Workload w = make.workload(seed);
            w.run(t);
            if (w.hostRecord != null) w.hostRecord.close();
        }
        List<String> security = Vol.LOG.subList(logStart, Vol.LOG.size()).stream().filter(l -> l.contains("security")).toList();
        assertEquals(List.of(), security, "no workload or power cut looks like tampering");
        System.out.println(what + ": seeds " + first + ".." + (first + seeds - 1) + ", " + t.steps + " operations ("
                + t.failedAsExpected + " refused as the model says), " + t.remounts + " remounts, " + t.cuts + " power cuts, "
                + t.disks + " disks recovered and checked, " + t.indexed + " mounts with an indexed directory read in part, "
                + t.whiteouts + " whiteouts and opaque marks seen at mounts");
        return t;
    }

    /** A read-only tree for a union's lower layer: directories, files with content, links; one directory of long names. */
    private static FileSystem image(Random r) throws ErrnoException {
        RamFs fs = new RamFs(() -> 1_000L, 1 << 26);
        List<Node> dirs = new ArrayList<>(List.of(fs.root()));
        for (int i = 0; i < 60; i++) {
            Node d = dirs.get(r.nextInt(dirs.size()));
            String n = i % 3 == 0 ? (char) ('a' + r.nextInt(6)) + "-".repeat(200) + i : String.valueOf((char) ('a' + r.nextInt(6))) + (char) ('a' + r.nextInt(6)) + i;
            switch (r.nextInt(6)) {
                case 0 -> {
                    d.createDirectory(n);
                    dirs.add(d.lookup(n));
                }
                case 1 -> d.createSymlink(n, "t/" + i);
                default -> {
                    byte[] b = new byte[r.nextInt(10) == 0 ? 20_000 : r.nextInt(300)];
                    r.nextBytes(b);
                    Vol.write(d.createFile(n, true), 0, b);
                }
            }
        }
        return fs;
    }

    private static final class Totals {
        int seeds;
        long steps, failedAsExpected, remounts, cuts, disks, indexed, whiteouts;
    }

    private static final class Workload {
        final int seed;
        final Random r;
        Totals t;
        final boolean eager; // commits at every change of names and close after a write, or only at commit/sync/close
        MemStore store; // the disk in memory, which the power may leave; or null, for a host file
        Vol.Known known = new Vol.Known();
        final Path hostFile; // the volume as a real file (no power cuts), or null
        final LinuxHost host = new LinuxHost();
        LocalFreshness hostRecord; // the freshness record of the host file, a real file beside it
        final FileSystem lower; // an image's tree under a union, or null: the volume alone
        EncFs v;
        FileSystem view; // what the operations go through: the volume, or the union over lower
        MDir root;
        final List<TreeMap<String, String>> states = new ArrayList<>(); // since the last acknowledged one, which is first
        long cutAt = -1; // the step a power cut is armed at
        int step;
        boolean commits; // the last operation committed: the state it left is acknowledged
        final List<Held> held = new ArrayList<>(); // descriptors kept open across operations

        /** An open descriptor of a file (which may have lost every name since: an orphan). */
        record Held(FileHandle h, MFile f, boolean[] wrote) {}

        Workload(int seed, FileSystem lower, Path hostFile) throws ErrnoException {
            this.seed = seed;
            this.r = new Random(seed);
            this.eager = r.nextBoolean();
            this.lower = lower;
            this.hostFile = hostFile;
            if (hostFile == null) store = new MemStore();
            else hostRecord = new LocalFreshness(host, hostFile.resolveSibling("state-" + seed), Vol.KEY);
            this.root = lower == null ? new MDir() : readModel(lower.root(), new HashMap<>());
        }

        boolean crashed() {
            return store != null && store.crashed;
        }

        /** The volume's store: the disk in memory, or the host file opened again. */
        BlockStore openStore() throws ErrnoException {
            if (store != null) return store;
            return HostBlockStore.open(host, hostFile, true, !java.nio.file.Files.exists(hostFile));
        }

        /** Uses {@code fs} (and the union over it). */
        void mount(EncFs fs) throws ErrnoException {
            v = fs;
            view = viewOf(fs);
        }

        FileSystem viewOf(EncFs fs) throws ErrnoException {
            return lower == null ? fs : new UnionFs(fs, lower);
        }

        Node at(String path) throws ErrnoException {
            Node n = view.root();
            for (String c : path.split("/")) if (!c.isEmpty()) n = n.lookup(c);
            return n;
        }

        Freshness counted() {
            return store == null ? hostRecord : Vol.counted(store, known);
        }

        EncFs.Options options() {
            int[] caches = {1, 4, 16, 64, 65_536};
            EncFs.Options o = Vol.options(counted())
                    .withCacheInodes(caches[r.nextInt(caches.length)])
                    .withCacheBlocks(r.nextBoolean() ? 16 : EncFs.CACHE_BLOCKS)
                    .withGiveBackBlocks(r.nextBoolean() ? 1 : 256);
            return eager ? o : o.withCommitAtSync(3_600_000);
        }

        String where() {
            return (lower == null ? "" : "union ") + "seed " + seed + " step " + step + (eager ? " (commit names)" : " (commit fsync)");
        }

        void run(Totals totals) throws Exception {
            t = totals;
            if (store != null) store.syncIsEvent = true;
            mount(EncFs.create(openStore(), Vol.KEY, Vol::random, options()));
            acknowledge();
            for (step = 0; step < STEPS; step++) {
                if (store != null && cutAt < 0 && r.nextInt(90) == 0) {
                    cutAt = step;
                    store.writesLeft = r.nextInt(r.nextBoolean() ? 12 : 120);
                }
                Runnable model;
                commits = false;
                try {
                    model = operation();
                } catch (ErrnoException e) {
                    if (!crashed()) throw new AssertionError(where() + ": " + e, e);
                    model = null;
                }
                t.steps++;
                if (crashed()) {
                    powerCut(model);
                    continue;
                }
                if (commits) acknowledge();
                else states.add(render(root));
            }
            closeHeld();
            v.close();
            assertFalse(crashed());
            acknowledge();
            remountAndCheck(true);
            v.close();
        }

        /** The current model state is durable (its step returned): the only one allowed from now on. */
        void acknowledge() {
            states.clear();
            states.add(render(root));
        }

        /**
         * One random operation on the volume; returns the model's change when the volume's call
         * was cut short by the power (null when nothing changes), already applied otherwise.
         */
        Runnable operation() throws ErrnoException {
            List<String> dirs = new ArrayList<>();
            Map<String, MDir> dirAt = new HashMap<>();
            List<String> files = new ArrayList<>();
            Map<String, MFile> fileAt = new HashMap<>();
            collect(root, "", dirs, dirAt, files, fileAt);
            // half the time the largest directory, so that some span several runs and get an index
            String dp = r.nextBoolean() ? dirs.get(r.nextInt(dirs.size()))
                    : dirs.stream().max(java.util.Comparator.comparingInt((String p) -> dirAt.get(p).kids.size())).orElseThrow();
            MDir md = dirAt.get(dp);
            Node d = at(dp);
            int op = r.nextInt(100);
            if (op < 24) { // create
                String n = name();
                if (md.kids.containsKey(n)) {
                    expect(Errno.EEXIST, () -> d.createFile(n, true));
                    return null;
                }
                return change(() -> md.kids.put(n, new MFile()), () -> d.createFile(n, true));
            } else if (op < 30) { // mkdir
                String n = name();
                if (md.kids.containsKey(n)) {
                    expect(Errno.EEXIST, () -> d.createDirectory(n));
                    return null;
                }
                return change(() -> md.kids.put(n, new MDir()), () -> d.createDirectory(n));
            } else if (op < 42 && !files.isEmpty()) { // write or truncate
                String fp = files.get(r.nextInt(files.size()));
                MFile f = fileAt.get(fp);
                Node n = at(fp);
                if (r.nextInt(5) == 0) {
                    int size = r.nextInt(3) == 0 ? 0 : r.nextInt(30_000);
                    return change(() -> f.data = Arrays.copyOf(f.data, size), () -> {
                        FileHandle h = n.open(false, true);
                        h.truncate(size);
                        h.close();
                    });
                }
                int at = r.nextInt(3) == 0 ? 0 : r.nextInt(30) == 0 ? r.nextInt(3 << 20) : r.nextInt(20_000); // far: index blocks over holes
                byte[] bytes = new byte[r.nextInt(8) == 0 ? 4096 * (1 + r.nextInt(12)) + r.nextInt(100) : 1 + r.nextInt(300)];
                r.nextBytes(bytes);
                return change(() -> {
                    if (f.data.length < at + bytes.length) f.data = Arrays.copyOf(f.data, at + bytes.length);
                    System.arraycopy(bytes, 0, f.data, at, bytes.length);
                }, () -> Vol.write(n, at, bytes));
            } else if (op < 54 && !md.kids.isEmpty()) { // unlink or rmdir of an entry of d
                String n = pick(md);
                Object o = md.kids.get(n);
                if (o instanceof MDir sub) {
                    if (!sub.kids.isEmpty()) {
                        expect(Errno.ENOTEMPTY, () -> d.removeDirectory(n));
                        return null;
                    }
                    if (r.nextInt(4) == 0) {
                        expect(Errno.EISDIR, () -> d.unlink(n));
                        return null;
                    }
                    return change(() -> md.kids.remove(n), () -> d.removeDirectory(n));
                }
                if (r.nextInt(6) == 0) {
                    expect(Errno.ENOTDIR, () -> d.removeDirectory(n));
                    return null;
                }
                return change(() -> {
                    md.kids.remove(n);
                    if (o instanceof MFile f) f.links--;
                }, () -> d.unlink(n));
            } else if (op < 70 && !md.kids.isEmpty()) { // rename
                return rename(dp, md, d, dirs, dirAt);
            } else if (op < 76 && !files.isEmpty()) { // hard link
                String fp = files.get(r.nextInt(files.size()));
                MFile f = fileAt.get(fp);
                String n = name();
                if (md.kids.containsKey(n)) {
                    expect(Errno.EEXIST, () -> d.link(n, at(fp)));
                    return null;
                }
                return change(() -> {
                    md.kids.put(n, f);
                    f.links++;
                }, () -> d.link(n, at(fp)));
            } else if (op < 79) { // symbolic link
                String n = name();
                String target = "t/" + name();
                if (md.kids.containsKey(n)) {
                    expect(Errno.EEXIST, () -> d.createSymlink(n, target));
                    return null;
                }
                return change(() -> md.kids.put(n, target), () -> d.createSymlink(n, target));
            } else if (op < 85) { // a missing name
                String n = name();
                if (!md.kids.containsKey(n)) expect(Errno.ENOENT, () -> d.lookup(n));
                return null;
            } else if (op < 90) { // a listing, or a read
                if (r.nextBoolean() || files.isEmpty()) {
                    List<String> got = new ArrayList<>();
                    for (DirEntry e : d.list()) got.add(e.name());
                    got.sort(null);
                    assertEquals(new ArrayList<>(md.kids.keySet()), got, where() + ": listing of " + dp);
                } else {
                    String fp = files.get(r.nextInt(files.size()));
                    assertArrayEquals(fileAt.get(fp).data, Vol.readAll(at(fp)), where() + ": content of " + fp);
                }
                return null;
            } else if (op < 94) { // commit
                if (r.nextBoolean() || lower != null) v.commit();
                else v.sync(d);
                commits = true;
                return null;
            } else if (op < 97) { // a descriptor kept open: opened, written through (maybe after its last name went), read, closed
                return held(files, fileAt);
            } else { // remount
                closeHeld();
                if (crashed()) return null;
                v.close();
                if (crashed()) return null;
                acknowledge();
                remountAndCheck(false);
                return null;
            }
        }

        Runnable held(List<String> files, Map<String, MFile> fileAt) throws ErrnoException {
            int what = r.nextInt(4);
            if (held.isEmpty() || what == 0 && held.size() < 3) {
                if (files.isEmpty()) return null;
                String fp = files.get(r.nextInt(files.size()));
                held.add(new Held(at(fp).open(true, true), fileAt.get(fp), new boolean[1]));
                return null;
            }
            Held x = held.get(r.nextInt(held.size()));
            if (what == 1) { // closed: a close after a write commits, when eager
                held.remove(x);
                x.h().close();
                if (!crashed()) commits = eager && x.wrote()[0];
                return null;
            }
            if (what == 2) {
                ByteBuffer b = ByteBuffer.allocate(x.f().data.length + 10);
                while (x.h().read(b, b.position()) > 0) {}
                assertArrayEquals(x.f().data, Arrays.copyOf(b.array(), b.position()), where() + ": read through a kept descriptor");
                return null;
            }
            int at = r.nextInt(4) == 0 ? x.f().data.length : r.nextInt(12_000);
            byte[] bytes = new byte[1 + r.nextInt(r.nextBoolean() ? 200 : 9000)];
            r.nextBytes(bytes);
            Runnable model = () -> {
                if (x.f().data.length < at + bytes.length) x.f().data = Arrays.copyOf(x.f().data, at + bytes.length);
                System.arraycopy(bytes, 0, x.f().data, at, bytes.length);
            };
            try {
                assertEquals(bytes.length, x.h().write(ByteBuffer.wrap(bytes), at));
            } catch (ErrnoException e) {
                if (crashed()) return model;
                throw new AssertionError(where() + ": " + e, e);
            }
            x.wrote()[0] = true;
            model.run(); // not committed: a commit, a change of names or a close after a write does that
            return null;
        }

        /** Closes every kept descriptor (before an unmount), as the kernel does. */
        void closeHeld() {
            for (Held x : held) x.h().close();
            held.clear();
        }

        /** A rename of an entry of {@code d} to a new or existing name in a random directory. */
        Runnable rename(String dp, MDir md, Node d, List<String> dirs, Map<String, MDir> dirAt) throws ErrnoException {
            String n = pick(md);
            Object o = md.kids.get(n);
            String tp = r.nextInt(3) == 0 ? dp : dirs.get(r.nextInt(dirs.size()));
            MDir mt = dirAt.get(tp);
            if (o instanceof MDir && (tp + "/").startsWith(dp + "/" + n + "/")) {
                expect(Errno.EINVAL, () -> d.rename(n, at(tp), name()));
                return null;
            }
            String to = !mt.kids.isEmpty() && r.nextInt(3) == 0 ? pick(mt) : name();
            Node target = at(tp);
            Object x = mt.kids.get(to);
            if (x == o) return null; // the same name, or two names of one file: rename(2) does nothing
            if (x != null) {
                if (o instanceof MDir && !(x instanceof MDir)) {
                    expect(Errno.ENOTDIR, () -> d.rename(n, target, to));
                    return null;
                }
                if (!(o instanceof MDir) && x instanceof MDir) {
                    expect(Errno.EISDIR, () -> d.rename(n, target, to));
                    return null;
                }
                if (x instanceof MDir xd && !xd.kids.isEmpty()) {
                    ErrnoException e = assertThrows(ErrnoException.class, () -> d.rename(n, target, to), where());
                    assertTrue(e.errno() == Errno.ENOTEMPTY || e.errno() == Errno.EEXIST, where() + ": " + e);
                    t.failedAsExpected++;
                    return null;
                }
            }
            return change(() -> {
                md.kids.remove(n);
                Object old = mt.kids.put(to, o);
                if (old instanceof MFile f) f.links--;
            }, () -> d.rename(n, target, to));
        }

        interface Call {
            void run() throws ErrnoException;
        }

        /** Makes the call; applies the model's change once it returned, or hands it back when the power was cut in it. */
        Runnable change(Runnable model, Call call) throws ErrnoException {
            try {
                call.run();
            } catch (ErrnoException e) {
                if (crashed()) return model;
                throw new AssertionError(where() + ": " + e, e);
            }
            if (crashed()) return model; // returned, but a commit at its close was cut short (logged)
            model.run();
            commits = eager;
            return null;
        }

        void expect(Errno errno, Call call) {
            ErrnoException e = assertThrows(ErrnoException.class, call::run, where());
            if (crashed()) return;
            assertEquals(errno, e.errno(), where() + ": " + e.getMessage());
            t.failedAsExpected++;
        }

        /**
         * The power went during this step: the disk it leaves, in each shape, must mount and hold a
         * state from the last acknowledged one on, including this step's with or without its
         * change; the workload goes on from one of them.
         */
        void powerCut(Runnable pending) throws ErrnoException {
            t.cuts++;
            held.clear(); // the volume they belonged to is gone
            states.add(render(root));
            if (pending != null) {
                pending.run();
                states.add(render(root));
            }
            MemStore next = null;
            Vol.Known nextKnown = null;
            for (MemStore.Crash how : MemStore.Crash.values()) {
                MemStore disk = store.afterCrash(how);
                Vol.Known k = known.copy();
                String w = where() + ", power cut armed at step " + cutAt + " (" + how + ")";
                EncFs fs;
                try {
                    fs = EncFs.open(disk, Vol.KEY, Vol::random, Vol.options(k), null);
                } catch (ErrnoException e) {
                    fail(w + ": the volume does not mount: " + e.getMessage());
                    return;
                }
                TreeMap<String, String> got = render(readModel(viewOf(fs).root(), new HashMap<>()));
                assertEquals(fs.walkedBlocks(), fs.liveBlocks(), w + ": space map against a walk");
                if (!states.contains(got)) fail(w + ": state " + got + " is none of " + states);
                fs.close();
                t.disks++;
                if (how == MemStore.Crash.values()[r.nextInt(MemStore.Crash.values().length)] || next == null) {
                    next = disk;
                    nextKnown = k;
                }
            }
            // go on from one of them, with the model read back from it
            store = next;
            known = nextKnown;
            store.syncIsEvent = true;
            cutAt = -1;
            mount(EncFs.open(store, Vol.KEY, Vol::random, options(), null));
            root = readModel(view.root(), new HashMap<>());
            acknowledge();
        }

        /** Mounts again (with new cache settings) and checks the whole tree against the model. */
        void remountAndCheck(boolean whole) throws ErrnoException {
            t.remounts++;
            mount(EncFs.open(openStore(), Vol.KEY, Vol::random, options(), null));
            // half the time, a name's use comes before any listing, so directories are read in part
            if (!whole && r.nextBoolean()) {
                if (lower != null) return;
                List<String> dirs = new ArrayList<>();
                collect(root, "", dirs, new HashMap<>(), new ArrayList<>(), new HashMap<>());
                for (String dp : dirs) {
                    Node d = at(dp);
                    if (((EncNode) d).directoryFormat() == DirectoryBlocks.FORMAT && ((EncNode) d).content.blocks() > 2) t.indexed++;
                }
                return;
            }
            assertEquals(render(root), render(readModel(view.root(), new HashMap<>())), where() + ": the tree after a mount");
            if (lower != null) t.whiteouts += whiteouts(v.root());
            assertEquals(v.walkedBlocks(), v.liveBlocks(), where() + ": space map against a walk");
        }

        /** A name: short, long (about 200 bytes, so a run holds a handful), or of two-byte characters. */
        String name() {
            int kind = r.nextInt(5);
            if (kind == 0) return String.valueOf((char) ('a' + r.nextInt(4))); // few: collisions
            StringBuilder b = new StringBuilder();
            int len = kind == 1 ? 200 + r.nextInt(40) : 2 + r.nextInt(12);
            for (int i = 0; i < len; i++) b.append(kind == 2 ? (char) ('α' + r.nextInt(6)) : (char) ('a' + r.nextInt(6)));
            return b.toString();
        }

        String pick(MDir md) {
            String from = md.kids.ceilingKey(name());
            return from != null ? from : md.kids.firstKey();
        }
    }

    /** The union's marks in its upper layer: whiteouts and opaque directories. */
    private static long whiteouts(Node dir) throws ErrnoException {
        long n = 0;
        for (DirEntry e : dir.list()) {
            if (e.name().startsWith(".wh.")) n++;
            else if (dir.lookup(e.name()).filetype() == Wasi.FILETYPE_DIRECTORY) n += whiteouts(dir.lookup(e.name()));
        }
        return n;
    }

    private static void collect(MDir dir, String path, List<String> dirs, Map<String, MDir> dirAt, List<String> files, Map<String, MFile> fileAt) {
        dirs.add(path);
        dirAt.put(path, dir);
        for (Map.Entry<String, Object> e : dir.kids.entrySet()) {
            String p = path + "/" + e.getKey();
            if (e.getValue() instanceof MDir sub) collect(sub, p, dirs, dirAt, files, fileAt);
            else if (e.getValue() instanceof MFile f) {
                files.add(p);
                fileAt.put(p, f);
            }
        }
    }

    /** The model as {@link Vol#snapshot} shows a volume. */
    private static TreeMap<String, String> render(MDir root) {
        TreeMap<String, String> out = new TreeMap<>();
        render(root, "", out);
        return out;
    }

    private static void render(MDir dir, String path, TreeMap<String, String> out) {
        for (Map.Entry<String, Object> e : dir.kids.entrySet()) {
            String p = path + "/" + e.getKey();
            switch (e.getValue()) {
                case MDir sub -> {
                    out.put(p, "dir links " + (2 + sub.kids.values().stream().filter(k -> k instanceof MDir).count()));
                    render(sub, p, out);
                }
                case MFile f -> out.put(p, "file " + f.data.length + " " + Arrays.hashCode(f.data) + " links " + f.links);
                default -> out.put(p, "link " + e.getValue());
            }
        }
    }

    /** The model of what a tree holds (an image, or a volume after a power cut): names of one inode share one MFile. */
    private static MDir readModel(Node dir, Map<Long, MFile> byInode) throws ErrnoException {
        MDir m = new MDir();
        for (DirEntry e : dir.list()) {
            Node c = dir.lookup(e.name());
            switch (c.filetype()) {
                case Wasi.FILETYPE_DIRECTORY -> m.kids.put(e.name(), readModel(c, byInode));
                case Wasi.FILETYPE_SYMBOLIC_LINK -> m.kids.put(e.name(), c.readlink());
                default -> {
                    MFile f = byInode.get(c.stat().inode());
                    if (f == null) {
                        f = new MFile();
                        f.data = Vol.readAll(c);
                        f.links = (int) c.stat().links();
                        byInode.put(c.stat().inode(), f);
                    }
                    m.kids.put(e.name(), f);
                }
            }
        }
        return m;
    }
}
