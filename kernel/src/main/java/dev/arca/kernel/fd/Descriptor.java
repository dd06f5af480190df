package dev.arca.kernel.fd;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.vfs.Vfs;

/**
 * One slot of a descriptor table: the description it refers to and the WASI rights it carries.
 *
 * @param rightsBase what this descriptor may be used for
 * @param rightsInheriting the most that descriptors opened through it (a directory) may get
 * @param preopenPath the guest path a preopened directory is announced under, else null
 * @param closeOnSpawn FD_CLOEXEC: not inherited by spawned children
 */
public record Descriptor(FileDescription file, long rightsBase, long rightsInheriting, String preopenPath, boolean closeOnSpawn) {

    public Descriptor(FileDescription file, long rightsBase, long rightsInheriting, String preopenPath) {
        this(file, rightsBase, rightsInheriting, preopenPath, false);
    }

    public boolean has(long rights) {
        return (rightsBase & rights) == rights;
    }

    public Descriptor withCloseOnSpawn(boolean on) {
        return new Descriptor(file, rightsBase, rightsInheriting, preopenPath, on);
    }

    /**
     * A descriptor for what the VFS opened, with rights limited by its type and by the directory
     * it was opened through ({@code parentInheriting}). The caller owns the new description.
     */
    public static Descriptor forOpened(Vfs.Opened o, boolean read, boolean write, int fdflags, long base,
            long inheriting, long parentInheriting) throws ErrnoException {
        byte type = o.location().node().filetype();
        long allowed = rightsFor(type) & parentInheriting;
        return new Descriptor(
                new FileDescription(o.location(), o.handle(), type, read, write && type != Wasi.FILETYPE_DIRECTORY, fdflags),
                base & allowed, inheriting & parentInheriting, null);
    }

    /** Rights a new descriptor of this type may carry at most. */
    public static long rightsFor(byte filetype) {
        return switch (filetype) {
            case Wasi.FILETYPE_DIRECTORY -> Wasi.RIGHTS_DIRECTORY;
            case Wasi.FILETYPE_REGULAR_FILE -> Wasi.RIGHTS_REGULAR_FILE;
            default -> Wasi.RIGHTS_TTY | Wasi.RIGHT_FD_SEEK | Wasi.RIGHT_FD_TELL | Wasi.RIGHT_FD_FILESTAT_SET_SIZE;
        };
    }
}
