package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.LocalFreshness;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.fs.union.UnionFs;
import dev.arca.host.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Opens encrypted volumes and integrity-only images for {@code arca run} and {@code arca image},
 * and commits and closes them at the end. Freshness records live in a state directory apart from
 * the volumes: {@code $ARCA_STATE_DIR}, else {@code $XDG_STATE_HOME/arca/volumes}, else {@code
 * ~/.local/state/arca/volumes}.
 */
final class Volumes implements AutoCloseable {
    private final Host host;
    private final List<EncFs> open = new ArrayList<>();

    Volumes(Host host) {
        this.host = host;
    }

    static VolumeKey key(Path keyFile) throws UserError {
        if (keyFile == null) throw new UserError("an encrypted volume needs --key-file FILE (make one with: head -c 32 /dev/urandom > FILE)");
        try {
            return VolumeKey.fromKeyFile(Files.readAllBytes(keyFile));
        } catch (IOException e) {
            throw new UserError("--key-file " + keyFile + ": cannot read: " + e.getMessage());
        } catch (ErrnoException e) {
            throw new UserError("--key-file " + keyFile + ": " + message(e));
        }
    }

    static Path stateDir() {
        String env = System.getenv("ARCA_STATE_DIR");
        if (env != null && !env.isEmpty()) return Path.of(env);
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isEmpty()) return Path.of(xdg, "arca", "volumes");
        return Path.of(System.getProperty("user.home"), ".local", "state", "arca", "volumes");
    }

    private EncFs.Options options(VolumeKey key, boolean readOnly) {
        Freshness f = key == null ? Freshness.inMemory() : new LocalFreshness(host, stateDir(), key);
        return EncFs.Options.defaults(host::realtimeNanos).withFreshness(f).withReadOnly(readOnly);
    }

    /** An encrypted volume in one host file, created on first use. */
    EncFs volume(Path file, Path keyFile, boolean readOnly) throws UserError {
        return volume(file, key(keyFile), readOnly);
    }

    /** As above, with a key already at hand (from a key broker). */
    EncFs volume(Path file, VolumeKey key, boolean readOnly) throws UserError {
        HostBlockStore store = null;
        try {
            store = HostBlockStore.open(host, file.toAbsolutePath(), !readOnly, !readOnly);
            EncFs fs = EncFs.isEmpty(store) && !readOnly
                    ? EncFs.create(store, key, host::randomBytes, options(key, false))
                    : EncFs.open(store, key, host::randomBytes, options(key, readOnly), null);
            open.add(fs);
            return fs;
        } catch (ErrnoException e) {
            if (store != null) store.close();
            throw new UserError("volume " + file + ": " + message(e));
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
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such image");
        VolumeKey key = keyFile == null ? null : key(keyFile);
        HostBlockStore store = null;
        try {
            store = HostBlockStore.open(host, file.toAbsolutePath(), false, false);
            EncFs fs = EncFs.open(store, key, host::randomBytes, options(key, true), root);
            open.add(fs);
            return fs;
        } catch (ErrnoException e) {
            if (store != null) store.close();
            throw new UserError(file + ": " + message(e));
        }
    }

    /**
     * {@code --union IMAGE+VOLUME::GUEST}, already split at "::" by the caller: {type, "IMAGE+VOLUME",
     * guest, null} becomes {type, IMAGE, guest, null, VOLUME}.
     */
    static String[] unionSpec(String[] spec, String flag) throws UserError {
        String files = spec[1];
        int plus = files.indexOf('+');
        if (plus <= 0 || plus == files.length() - 1 || files.indexOf('+', plus + 1) >= 0) {
            throw new UserError("--union " + flag + ": expected IMAGE+VOLUME::GUEST_PATH (one '+' between the two host files)");
        }
        return new String[] {spec[0], files.substring(0, plus), spec[2], null, files.substring(plus + 1)};
    }

    /** A writable encrypted volume over a read-only image, as one union mount ({@link #unionSpec}). */
    UnionFs union(String[] spec, Path keyFile) throws UserError {
        if (spec.length < 5 || spec[1] == null) throw new UserError("a union mount is given as --union IMAGE+VOLUME::GUEST (not in a manifest yet)");
        Path image = Path.of(spec[1]), volume = Path.of(spec[4]);
        if (keyFile == null) throw new UserError("--union: the volume needs --key-file FILE (make one with: head -c 32 /dev/urandom > FILE)");
        if (image.toAbsolutePath().normalize().equals(volume.toAbsolutePath().normalize())) {
            throw new UserError("--union: the image and the volume must be two different files");
        }
        EncFs lower = image(image, null, null);
        EncFs upper = volume(volume, keyFile, false);
        try {
            return new UnionFs(upper, lower);
        } catch (ErrnoException e) {
            throw new UserError("--union " + volume + ": " + message(e));
        }
    }

    /** "EIO: detail" → "detail": the errno is for guests, the detail for people. */
    static String message(ErrnoException e) {
        String m = e.getMessage();
        int colon = m.indexOf(": ");
        return colon > 0 && m.substring(0, colon).equals(e.errno().name()) ? m.substring(colon + 2) : m;
    }

    /** Commits and closes every volume. */
    @Override
    public void close() throws UserError {
        UserError first = null;
        for (EncFs fs : open) {
            try {
                fs.close();
            } catch (ErrnoException e) {
                if (first == null) first = new UserError("volume " + fs.name() + ": final commit failed: " + message(e));
            }
        }
        open.clear();
        if (first != null) throw first;
    }
}
