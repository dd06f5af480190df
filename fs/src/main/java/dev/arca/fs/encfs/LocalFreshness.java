package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link Freshness} in a state directory of this host, apart from the volume: one file per volume
 * ({@code <volume id>.version}) holding two slots, at bytes 0 and {@value #SLOT_STRIDE}, each the
 * version (8 bytes) and an HMAC of it under a key derived from the volume key. An advance
 * overwrites the slot with the lower version in place and syncs the file's data: one {@code
 * fdatasync} of a file whose size does not change, no new file and no rename (until 2026-12-04
 * each commit wrote a temporary file, synced it and renamed it over the record: three metadata
 * changes for the file system's journal, and the largest part of a small commit's time). A write
 * torn by a crash spoils only the slot being written; the other still holds the version before,
 * and the volume's superblock, synced before the record is advanced, is never older than that.
 * A record of the one-slot format (40 bytes) reads as its slot 0.
 *
 * <p>The weaker guarantee: it catches a volume file replaced by an older copy, but not a host that
 * rolls back this state file as well (or spoils its newer slot, which reads as a torn write), nor
 * a volume moved to a host that has never seen it. A record with no slot that authenticates is
 * refused (EIO); a deleted one counts as first sight.
 */
public final class LocalFreshness implements Freshness, AutoCloseable {
    static final int SLOT = 40;
    static final int SLOT_STRIDE = 4096; // the slots in different blocks, so one torn write spoils one
    private final Host host;
    private final Path dir;
    private final VolumeKey key;
    private HostFd dirFd; // opened (and made) at first use; guarded by this
    /** Per volume id: its record kept open between advances, and its MAC key (guarded by this). */
    private final java.util.Map<String, Record> records = new java.util.HashMap<>();

    /**
     * A volume's record as {@link #advance} keeps it: the file open (so a commit does not open and
     * close it: a third of an advance's time besides its sync) and the derived key. Both slots are
     * still read at every advance: a slot the host spoilt must be the one written next, or a torn
     * write of the other would leave none. A record unlinked meanwhile is opened (made) again.
     */
    private static final class Record {
        private final Mac mac; // keyed with the record's key; guarded by itself
        HostFile file; // guarded by this record
        boolean made; // its name not yet made durable (a new file)

        Record(SecretKeySpec key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** HMAC-SHA256 of the volume's id and a version under the record's key. */
        byte[] mac(byte[] id, long version) {
            synchronized (mac) {
                mac.update(id);
                mac.update(ByteBuffer.allocate(8).putLong(version).array());
                return mac.doFinal();
            }
        }
    }

    /**
     * Where {@code arca run} keeps freshness records: {@code $ARCA_STATE_DIR}, else {@code
     * $XDG_STATE_HOME/arca/volumes}, else {@code ~/.local/state/arca/volumes}.
     */
    public static Path defaultDirectory(Host host) {
        return defaultDirectory(host::environment);
    }

    /** As {@link #defaultDirectory(Host)}, with the variables looked up in {@code environment}. */
    public static Path defaultDirectory(java.util.function.Function<String, String> environment) {
        String env = environment.apply("ARCA_STATE_DIR");
        if (env != null && !env.isEmpty()) return Path.of(env);
        String xdg = environment.apply("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "arca", "volumes");
        return Path.of(System.getProperty("user.home"), ".local", "state", "arca", "volumes");
    }

    public LocalFreshness(Host host, Path dir, VolumeKey key) {
        this.host = host;
        this.dir = dir;
        this.key = key;
    }

    private synchronized HostFd dir() throws ErrnoException {
        if (dirFd == null) dirFd = host.openOrCreateDirectory(dir);
        return dirFd;
    }

    /** Releases the state directory's descriptor and the records kept open (a later use opens them again). */
    @Override
    public synchronized void close() {
        for (Record r : records.values()) {
            synchronized (r) {
                if (r.file != null) r.file.close();
                r.file = null;
            }
        }
        records.clear();
        if (dirFd != null) dirFd.close();
        dirFd = null;
    }

    private synchronized Record record(byte[] id) {
        return records.computeIfAbsent(HexFormat.of().formatHex(id), k -> new Record(new SecretKeySpec(key.freshnessKey(id), "HmacSHA256")));
    }

    private static String file(byte[] id) {
        return HexFormat.of().formatHex(id) + ".version";
    }

    private byte[] mac(byte[] id, long version) {
        return record(id).mac(id, version);
    }

    @Override
    public long known(byte[] id) throws ErrnoException {
        HostFile f;
        try {
            f = host.open(dir(), file(id), OpenMode.READ);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return -1;
            throw e;
        }
        try (f) {
            long[] slots = slots(f, id);
            long v = Math.max(slots[0], slots[1]);
            if (v < 0) throw Errno.EIO.fail("freshness record " + dir.resolve(file(id)) + " is forged or damaged");
            return v;
        }
    }

    @Override
    public void advance(byte[] id, long version) throws ErrnoException {
        Record r = record(id);
        synchronized (r) {
            if (r.file != null && r.file.stat().links() == 0) { // unlinked behind our back: made again below
                r.file.close();
                r.file = null;
            }
            if (r.file == null) {
                r.file = host.open(dir(), file(id), OpenMode.create(0600));
                r.made = r.file.size() == 0; // a new record (or an empty one): its name must be made durable too
            }
            try {
                HostFile f = r.file;
                long[] slots = slots(f, id);
                int slot = slots[0] <= slots[1] ? 0 : 1; // the older (or spoilt, or absent) one
                ByteBuffer b = ByteBuffer.allocate(SLOT).putLong(version).put(mac(id, version)).flip();
                while (b.hasRemaining()) f.write(b, (long) slot * SLOT_STRIDE + b.position());
                f.sync(true);
                if (r.made) {
                    host.syncDirectory(dir());
                    r.made = false;
                }
            } catch (ErrnoException | RuntimeException e) {
                r.file.close(); // opened afresh by the next advance
                r.file = null;
                throw e;
            }
        }
    }

    /** The version in each slot of {@code f}, or -1 for a slot that is absent or does not authenticate. */
    private long[] slots(HostFile f, byte[] id) throws ErrnoException {
        long[] v = {-1, -1};
        for (int s = 0; s < 2; s++) {
            ByteBuffer b = ByteBuffer.allocate(SLOT);
            long at = (long) s * SLOT_STRIDE;
            while (b.hasRemaining() && f.read(b, at + b.position()) > 0) {
                // fill
            }
            if (b.hasRemaining()) continue;
            b.flip();
            long version = b.getLong();
            byte[] tag = new byte[32];
            b.get(tag);
            if (version >= 0 && MessageDigest.isEqual(tag, mac(id, version))) v[s] = version;
        }
        return v;
    }
}
