package dev.arca.cli;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.LocalFreshness;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.host.Host;
import dev.arca.host.HostErrors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Opens images and encrypted volumes read-only for {@code arca image ls|cat|extract} and {@code
 * arca measure}, and closes them at the end. ({@code arca run} mounts through the Java API.)
 */
final class Volumes implements AutoCloseable {
    private final Host host;
    private final List<EncFs> open = new ArrayList<>();
    private final List<LocalFreshness> records = new ArrayList<>();

    Volumes(Host host) {
        this.host = host;
    }

    static VolumeKey key(Path keyFile) throws UserError {
        byte[] content = OperatorFile.read(keyFile, OperatorFile.MAX_KEY_FILE, "--key-file ");
        try {
            return VolumeKey.fromKeyFile(content);
        } catch (ErrnoException e) {
            throw new UserError("--key-file " + keyFile + ": " + message(e));
        } finally {
            java.util.Arrays.fill(content, (byte) 0);
        }
    }

    /** An image (integrity-only), or with a key file an encrypted volume, opened read-only. */
    EncFs image(Path file, Path keyFile, String expectedRoot) throws UserError {
        byte[] root = null;
        if (expectedRoot != null) {
            String hex = expectedRoot.startsWith("sha256:") ? expectedRoot.substring(7) : expectedRoot;
            try {
                root = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                root = null;
            }
            if (root == null || root.length != 32) throw new UserError("--root " + expectedRoot + ": not a sha256 hash");
        }
        VolumeKey key = keyFile == null ? null : key(keyFile);
        Freshness freshness = Freshness.inMemory();
        if (key != null) {
            LocalFreshness local = new LocalFreshness(host, LocalFreshness.defaultDirectory(host), key);
            records.add(local);
            freshness = local;
        }
        EncFs.Options options = EncFs.Options.defaults(host::realtimeNanos).withFreshness(freshness).withReadOnly(true)
                .withSecurityLog(line -> Console.say(dev.arca.Diagnostic.Kind.SECURITY, line));
        HostBlockStore store;
        try {
            store = HostBlockStore.open(host, file.toAbsolutePath(), false, false);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) throw new UserError(file + ": no such image");
            throw new UserError(file + ": " + (e.errno() == Errno.EBUSY ? message(e) : HostErrors.describe(e)));
        }
        try {
            EncFs fs = EncFs.open(store, key, host::randomBytes, options, root);
            open.add(fs);
            return fs;
        } catch (ErrnoException e) {
            store.close();
            throw new UserError(file + ": " + message(e));
        }
    }

    /** "EIO: detail" → "detail": the errno is for guests, the detail for people. */
    static String message(ErrnoException e) {
        String m = e.getMessage();
        int colon = m.indexOf(": ");
        return colon > 0 && m.substring(0, colon).equals(e.errno().name()) ? m.substring(colon + 2) : m;
    }

    /** Closes every volume and the descriptors of their freshness records. */
    @Override
    public void close() throws UserError {
        UserError first = null;
        for (EncFs fs : open) {
            try {
                fs.close();
            } catch (ErrnoException e) {
                if (first == null) first = new UserError("volume " + fs.name() + ": close failed: " + message(e));
            }
        }
        for (LocalFreshness r : records) r.close();
        open.clear();
        records.clear();
        if (first != null) throw first;
    }
}
