package dev.arca.fs.hostfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.host.Host;
import java.nio.file.Path;

/**
 * A directory of the host, mounted into the guest's namespace.
 *
 * <p>Containment: a {@link HostNode} is always {@code root} plus names that the VFS checked one at
 * a time (never "..", never containing '/'), and the VFS reads symbolic links itself instead of
 * letting the host follow them; every host call uses NOFOLLOW on the last component. So no guest
 * path, {@code ..} or symbolic link can name anything outside {@code root}. The VFS serialises
 * namespace changes against resolution (see {@code Vfs}), so a guest cannot swap a checked
 * directory for a link between the check and the use. The host itself is untrusted: this file
 * system gives no confidentiality or integrity against it (the encrypted file system does).
 */
public final class HostFs implements FileSystem {
    final Host host;
    final Path root;
    private final boolean readOnly;
    private final HostNode rootNode;

    public HostFs(Host host, Path root, boolean readOnly) {
        this.host = host;
        this.root = root.toAbsolutePath().normalize();
        this.readOnly = readOnly;
        this.rootNode = new HostNode(this, this.root);
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

    public Path hostRoot() {
        return root;
    }

    void checkWritable() throws ErrnoException {
        if (readOnly) throw Errno.EROFS.fail();
    }
}
