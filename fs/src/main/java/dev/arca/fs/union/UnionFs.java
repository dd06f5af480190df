package dev.arca.fs.union;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;

/**
 * A union mount: a writable upper file system (an encrypted volume) over a read-only lower one
 * (an integrity-only image), as Occlum's default root is. The guest sees one tree:
 *
 * <ul>
 * <li><b>Lookup</b>: a name in the upper layer hides the same name in the lower one, except that
 *     two directories merge (their listings are joined, upper entries first in precedence).
 * <li><b>Copy-up</b>: the first change to a lower-only node (open for writing, truncate, set
 *     times, link, rename) copies it to the upper layer, with its parent directories. A file is
 *     copied to a hidden temporary name, synced, then renamed into place, so a crash leaves either
 *     the lower file visible or the whole copy.
 * <li><b>Whiteouts</b>: deleting a name that exists in the lower layer leaves an empty file
 *     {@code .wh.NAME} in the upper directory; a directory made where a lower directory was
 *     deleted (or renamed onto one) holds {@code .wh..wh..opq} ("opaque": nothing below shows
 *     through). A name too long to take the prefix (over 251 bytes) is whited out as
 *     {@code .wh..wh..h.} and its SHA-256 in hex. Names beginning with {@code .wh.} are therefore
 *     reserved: the guest never sees them and cannot create them (EINVAL).
 * <li><b>Rename</b> copies the source up first; a directory with lower content is copied up
 *     whole (overlayfs gives EXDEV there instead).
 * </ul>
 *
 * <p>Inode numbers: upper inodes as they are, lower inodes with bit 62 set, so the two never
 * collide; a copied-up file gets a new number (as overlayfs without {@code xino}). A lower file
 * with several hard links is copied up under the name it is changed through only.
 *
 * <p>Nodes are kept, one object per path, while the mount lives (the kernel compares nodes by
 * identity), and every change goes through this mount: the layers must not be changed beneath it.
 * A pinned node (a guest descriptor's) pins its layers' nodes, so a directory removed while held
 * keeps its inode until released, as on Linux.
 * One lock guards names and copy-up; reads and writes go straight to the layer's handle.
 */
public final class UnionFs implements FileSystem {
    static final String WH = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    static final String COPY_TMP = ".wh..wh..cu.";
    /** The whiteout of a name too long for {@code .wh.NAME}: this, then the name's SHA-256. */
    static final String LONG_WH = ".wh..wh..h.";
    static final long LOWER_BIT = 1L << 62;

    final Object mu = new Object();
    final FileSystem upper;
    final FileSystem lower;
    private final UnionNode root;

    /** {@code upper} must be writable; {@code lower} is never written. */
    public UnionFs(FileSystem upper, FileSystem lower) throws ErrnoException {
        if (upper.readOnly()) throw Errno.EROFS.fail("union: the upper layer is read-only");
        this.upper = upper;
        this.lower = lower;
        this.root = new UnionNode(this, null, "", upper.root(), lower.root());
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public String type() {
        return "union";
    }

    public FileSystem upper() {
        return upper;
    }

    public FileSystem lower() {
        return lower;
    }

    /** {@code fsync} of a directory: the upper layer's changes of names are made durable. */
    @Override
    public void sync(dev.arca.fs.Node directory) throws dev.arca.abi.ErrnoException {
        upper.sync(upper.root());
    }
}
