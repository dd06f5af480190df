package dev.arca.fs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.List;

/**
 * A file, directory, symbolic link or device inside one {@link FileSystem}.
 *
 * <p>Directory operations take a single checked name (see the package comment). The defaults
 * refuse what a node of the wrong type cannot do, with the errno POSIX gives for it, so each file
 * system overrides only what its node types support.
 */
public interface Node {

    FileSystem fileSystem();

    /** Current metadata. Errors: EIO, ENOENT if the node is gone from the host. */
    Stat stat() throws ErrnoException;

    /** The WASI file type (one of {@code Wasi.FILETYPE_*}). */
    byte filetype() throws ErrnoException;

    // ---- directories -----------------------------------------------------------------------

    /** The child called {@code name}, symbolic links not followed. Errors: ENOENT, ENOTDIR. */
    default Node lookup(String name) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /**
     * The regular file {@code name}, created empty if absent. Errors: EEXIST when {@code
     * exclusive} and it exists, EISDIR if it is a directory, ENOSPC, EROFS.
     */
    default Node createFile(String name, boolean exclusive) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** Errors: EEXIST, ENOSPC, EROFS. */
    default void createDirectory(String name) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** Creates a symbolic link {@code name} holding {@code target} verbatim. Errors: EEXIST. */
    default void createSymlink(String name, String target) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** Makes {@code name} a new hard link to {@code existing} (a node of this file system). */
    default void link(String name, Node existing) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** Removes a non-directory entry. Errors: ENOENT, EISDIR (Linux gives EISDIR; WASI too). */
    default void unlink(String name) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** Removes an empty directory. Errors: ENOENT, ENOTDIR, ENOTEMPTY. */
    default void removeDirectory(String name) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /**
     * Moves entry {@code name} to {@code newName} in {@code newParent} (a directory of this file
     * system), replacing a compatible target as rename(2) does. Errors: ENOENT, EISDIR, ENOTDIR,
     * ENOTEMPTY, EINVAL (a directory into itself).
     */
    default void rename(String name, Node newParent, String newName) throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    /** The entries, without "." and "..". */
    default List<DirEntry> list() throws ErrnoException {
        throw Errno.ENOTDIR.fail();
    }

    // ---- symbolic links --------------------------------------------------------------------

    default String readlink() throws ErrnoException {
        throw Errno.EINVAL.fail("not a symbolic link");
    }

    // ---- data ------------------------------------------------------------------------------

    /** Opens the data of a file or device. Directories and links give EISDIR / ELOOP. */
    default FileHandle open(boolean read, boolean write) throws ErrnoException {
        throw Errno.EISDIR.fail();
    }

    /** Sets the size, filling with zeros when it grows. Errors: EISDIR, EFBIG, ENOSPC. */
    default void truncate(long size) throws ErrnoException {
        throw Errno.EINVAL.fail();
    }

    /** Sets access and modification times; {@link Times#OMIT} leaves one as it is. */
    void setTimes(long atime, long mtime) throws ErrnoException;

    // ---- descriptors -----------------------------------------------------------------------

    /**
     * A node that keeps naming this same file or directory while a guest descriptor holds it,
     * even when it is renamed or unlinked, as an open file does on Linux. Each pin is released
     * with {@link #unpin} on the node it returned. Nodes that are objects in memory are stable
     * already and return themselves; hostfs pins a host descriptor.
     */
    default Node pin() throws ErrnoException {
        return this;
    }

    /** Releases what {@link #pin} took (on the node {@code pin} returned). */
    default void unpin() {}

    /**
     * For devices that stand for a descriptor of the opening process (/dev/stdout): that
     * descriptor's number; -1 for every other node.
     */
    default int descriptorAlias() {
        return -1;
    }
}
