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
 * ({@code <volume id>.version}) holding the version and an HMAC under a key derived from the
 * volume key, replaced atomically (write a temporary file, sync, rename).
 *
 * <p>The weaker guarantee: it catches a volume file replaced by an older copy, but not a host that
 * rolls back this state file as well, nor a volume moved to a host that has never seen it. A
 * forged file is refused (EIO); a deleted one counts as first sight.
 */
public final class LocalFreshness implements Freshness, AutoCloseable {
    private final Host host;
    private final Path dir;
    private final VolumeKey key;
    private HostFd dirFd; // opened (and made) at first use; guarded by this

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

    /** Releases the state directory's descriptor (a later use opens it again). */
    @Override
    public synchronized void close() {
        if (dirFd != null) dirFd.close();
        dirFd = null;
    }

    private static String file(byte[] id) {
        return HexFormat.of().formatHex(id) + ".version";
    }

    private byte[] mac(byte[] id, long version) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key.freshnessKey(id), "HmacSHA256"));
            m.update(id);
            m.update(ByteBuffer.allocate(8).putLong(version).array());
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
            ByteBuffer b = ByteBuffer.allocate(41);
            while (b.hasRemaining() && f.read(b, b.position()) > 0) {
                // fill
            }
            if (b.position() != 40) throw Errno.EIO.fail("freshness record " + dir.resolve(file(id)) + " is damaged");
            b.flip();
            long v = b.getLong();
            byte[] tag = new byte[32];
            b.get(tag);
            if (!MessageDigest.isEqual(tag, mac(id, v))) throw Errno.EIO.fail("freshness record " + dir.resolve(file(id)) + " is forged or damaged");
            return v;
        }
    }

    @Override
    public void advance(byte[] id, long version) throws ErrnoException {
        HostFd d = dir();
        String tmp = HexFormat.of().formatHex(id) + ".tmp";
        try (HostFile f = host.open(d, tmp, OpenMode.create(0600).truncating())) {
            f.write(ByteBuffer.allocate(40).putLong(version).put(mac(id, version)).flip(), 0);
            f.sync(false);
        }
        host.rename(d, tmp, d, file(id));
    }
}
