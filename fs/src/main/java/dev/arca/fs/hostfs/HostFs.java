package dev.arca.fs.hostfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostStat;
import java.nio.file.Path;

/**
 * A directory of the host, mounted into the guest's namespace.
 *
 * <p>Containment is the host kernel's, not a check of ours: the root is opened once as a
 * descriptor, and every later access names a path relative to it (or to a descriptor pinned
 * below it) that {@link Host} resolves beneath it following no symbolic link in any component
 * (see {@link Host}). A guest cannot pass "..", an absolute path or a link to the host (the VFS
 * walks components itself and reads links itself), and a rename, symlink or bind swap made
 * concurrently by the guest, by another instance or by a host process makes an access fail
 * (ELOOP, ENOENT) rather than leave the mount. A descriptor the guest holds pins its file or
 * directory, so it keeps naming it when it is renamed or unlinked, as on Linux. The host itself
 * is untrusted: this file system gives no confidentiality or integrity against it (the encrypted
 * file system does).
 */
public final class HostFs implements FileSystem {
    final Host host;
    private final Path hostRoot;
    final HostFd root;
    private final boolean readOnly;
    private final HostNode rootNode;

    /** Mounts host directory {@code root}. Errors: ENOENT, ENOTDIR, EACCES. */
    public HostFs(Host host, Path root, boolean readOnly) throws ErrnoException {
        this.host = host;
        this.hostRoot = root.toAbsolutePath().normalize();
        this.root = host.openDirectory(hostRoot);
        this.readOnly = readOnly;
        this.rootNode = new HostNode(this, this.root, "", null, HostStat.Kind.DIRECTORY);
    }

    @Override
    public Node root() {
        return rootNode;
    }

    @Override
    public String type() {
        return "hostfs";
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** The host directory as the operator named it (for messages and for naming argv[0]). */
    public Path hostRoot() {
        return hostRoot;
    }

    void checkWritable() throws ErrnoException {
        if (readOnly) throw Errno.EROFS.fail();
    }

    @Override
    public void close() {
        root.close();
    }
}
