package dev.arca.fs.encfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Helpers for the encfs tests: a fixed key, volumes over {@link MemStore}, content snapshots. */
final class Vol {
    private Vol() {}

    static final VolumeKey KEY;
    static final VolumeKey OTHER_KEY;

    static {
        try {
            KEY = VolumeKey.fromKeyFile(new byte[32]);
            byte[] k = new byte[32];
            k[0] = 1;
            OTHER_KEY = VolumeKey.fromKeyFile(k);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }

    static final Random RANDOM = new Random(7);

    static void random(byte[] b) {
        synchronized (RANDOM) {
            RANDOM.nextBytes(b);
        }
    }

    static final List<String> LOG = new ArrayList<>();

    /** Freshness in memory that can be copied, one copy per disk a power cut leaves (EncFsCrashTest, EncFsFuzzTest). */
    static final class Known implements Freshness {
        final java.util.HashMap<String, Long> m = new java.util.HashMap<>();

        @Override
        public long known(byte[] id) {
            return m.getOrDefault(java.util.HexFormat.of().formatHex(id), -1L);
        }

        @Override
        public void advance(byte[] id, long v) {
            m.merge(java.util.HexFormat.of().formatHex(id), v, Math::max);
        }

        Known copy() {
            Known k = new Known();
            k.m.putAll(m);
            return k;
        }
    }

    /** {@code inner}, sharing the store's write budget, so that a power cut can fall between a superblock and its freshness record. */
    static Freshness counted(MemStore store, Freshness inner) {
        return new Freshness() {
            @Override
            public long known(byte[] id) throws ErrnoException {
                return inner.known(id);
            }

            @Override
            public void advance(byte[] id, long v) throws ErrnoException {
                store.event();
                inner.advance(id, v);
            }
        };
    }

    static EncFs.Options options(Freshness f) {
        return EncFs.Options.defaults(() -> 1_000L).withFreshness(f).withSecurityLog(line -> {
            synchronized (LOG) {
                LOG.add(line);
            }
        });
    }

    static EncFs create(BlockStore s, Freshness f) throws ErrnoException {
        return EncFs.create(s, KEY, Vol::random, options(f));
    }

    static EncFs open(BlockStore s, Freshness f) throws ErrnoException {
        return EncFs.open(s, KEY, Vol::random, options(f), null);
    }

    static void write(Node file, long position, byte[] data) throws ErrnoException {
        FileHandle h = file.open(false, true);
        assertEquals(data.length, h.write(ByteBuffer.wrap(data), position));
        h.close();
    }

    static void write(Node file, long position, String text) throws ErrnoException {
        write(file, position, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] readAll(Node file) throws ErrnoException {
        FileHandle h = file.open(true, false);
        try {
            ByteBuffer dst = ByteBuffer.allocate((int) h.size());
            while (dst.hasRemaining()) {
                if (h.read(dst, dst.position()) == 0) break;
            }
            return dst.array();
        } finally {
            h.close();
        }
    }

    static String read(Node file) throws ErrnoException {
        return new String(readAll(file), StandardCharsets.UTF_8);
    }

    /**
     * A directory block of entries as DirectoryBlocks stores them (count, then name length, name,
     * inode number each), written by hand as only a holder of the key could: name, inode, ...
     */
    static byte[] entriesBlock(Object... e) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putShort((short) (e.length / 2));
        for (int i = 0; i < e.length; i += 2) {
            byte[] n = ((String) e[i]).getBytes(StandardCharsets.UTF_8);
            b.putShort((short) n.length).put(n).putLong(((Number) e[i + 1]).longValue());
        }
        return b.array();
    }

    /** An index block of a directory ({@link DirectoryBlocks#FORMAT}): the next index block, then (bound, block) pairs. */
    static byte[] indexBlock(int next, Object... pairs) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.putInt(next).putShort((short) (pairs.length / 2));
        for (int i = 0; i < pairs.length; i += 2) {
            byte[] n = ((String) pairs[i]).getBytes(StandardCharsets.UTF_8);
            b.putShort((short) n.length).put(n).putInt(((Number) pairs[i + 1]).intValue());
        }
        return b.array();
    }

    static Node at(EncFs fs, String path) throws ErrnoException {
        Node n = fs.root();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) n = n.lookup(c);
        }
        return n;
    }

    /** Every path with its type and content (files: size and a hash; links: the target). */
    static TreeMap<String, String> snapshot(EncFs fs) throws ErrnoException {
        TreeMap<String, String> out = new TreeMap<>();
        walk(fs.root(), "", out);
        return out;
    }

    private static void walk(Node dir, String path, TreeMap<String, String> out) throws ErrnoException {
        for (DirEntry e : dir.list()) {
            Node c = dir.lookup(e.name());
            String p = path + "/" + e.name();
            switch (c.filetype()) {
                case Wasi.FILETYPE_DIRECTORY -> {
                    out.put(p, "dir links " + c.stat().links());
                    walk(c, p, out);
                }
                case Wasi.FILETYPE_SYMBOLIC_LINK -> out.put(p, "link " + c.readlink());
                default -> {
                    byte[] d = readAll(c);
                    out.put(p, "file " + d.length + " " + java.util.Arrays.hashCode(d) + " links " + c.stat().links());
                }
            }
        }
    }
}
