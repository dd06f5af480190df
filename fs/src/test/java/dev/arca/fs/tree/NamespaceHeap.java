package dev.arca.fs.tree;

import dev.arca.fs.Node;
import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.fs.ramfs.RamFs;
import java.util.HashMap;
import java.util.Random;

/**
 * Measures the heap a namespace takes, for the figures in {@link Tree#NODE_BYTES} and in
 * docs/encfs.md (not a test: the bound itself is checked by {@code RamFsHeapBoundTest}). Run,
 * after {@code mvn install}:
 *
 * <pre>
 * java -Xmx4g -cp fs/target/test-classes:fs/target/classes:abi/target/classes:host/target/classes \
 *     dev.arca.fs.tree.NamespaceHeap
 * </pre>
 */
public final class NamespaceHeap {
    private NamespaceHeap() {}

    private static long used() {
        for (int i = 0; i < 5; i++) System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** A store in memory whose own heap (the blocks) is left out of the volume's figure. */
    private static final class Blocks implements BlockStore {
        final HashMap<Long, byte[]> m = new HashMap<>();

        @Override
        public boolean read(long i, byte[] d) {
            byte[] b = m.get(i);
            if (b == null) return false;
            System.arraycopy(b, 0, d, 0, BLOCK_SIZE);
            return true;
        }

        @Override
        public void write(long i, byte[] s) {
            m.put(i, s.clone());
        }

        @Override
        public void sync() {}

        @Override
        public String name() {
            return "memory";
        }
    }

    public static void main(String[] args) throws Exception {
        int n = 200_000;
        for (String kind : new String[] {"file", "directory", "symbolic link", "hard link"}) {
            RamFs fs = new RamFs(() -> 0L, Long.MAX_VALUE / 2);
            Node root = fs.root();
            Node target = root.createFile("t", true);
            long before = used();
            for (int i = 0; i < n; i++) {
                String name = "n" + (1_000_000 + i); // 8 bytes
                switch (kind) {
                    case "file" -> root.createFile(name, true);
                    case "directory" -> root.createDirectory(name);
                    case "symbolic link" -> root.createSymlink(name, new String(new char[] {'x'})); // a new String, as a guest's
                    default -> root.link(name, target);
                }
            }
            long each = (used() - before) / n;
            long counted = kind.equals("hard link") ? Tree.ENTRY_BYTES + 8 : Tree.NODE_BYTES + Tree.ENTRY_BYTES + 8 + (kind.startsWith("sym") ? 1 : 0);
            System.out.printf("ramfs %-13s named by 8 bytes: %4d bytes of heap, counted as %d%n", kind, each, counted);
            if (root.list().isEmpty()) throw new AssertionError();
        }
        Blocks store = new Blocks();
        Random random = new Random(1);
        EncFs vol = EncFs.create(store, VolumeKey.fromKeyFile(new byte[32]), random::nextBytes,
                EncFs.Options.defaults(() -> 0L).withCommitEagerly(false));
        Node root = vol.root();
        for (int d = 0; d < 100; d++) root.createDirectory("d" + d);
        vol.commit();
        int files = 100_000;
        long blocksBefore = store.m.size();
        long before = used();
        for (int i = 0; i < files; i++) root.lookup("d" + (i % 100)).createFile("n" + (1_000_000 + i), true);
        vol.commit();
        long blocks = (store.m.size() - blocksBefore) * (long) BlockStore.BLOCK_SIZE;
        System.out.printf("encfs empty file in 100 directories (%d files): %d bytes of heap each, the block cache included%n",
                files, (used() - before - blocks) / files);
        vol.close();
    }
}
