package dev.arca.host;

import dev.arca.abi.ErrnoException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The only door from Arca to the real operating system. Everything the untrusted host supplies
 * (file contents, names, metadata, time, standard streams) comes through here, so this interface
 * is the list to audit: nothing else in Arca touches host files, host clocks or host streams.
 *
 * <p>Every file call takes an absolute host path that a file system built from a root it was
 * given and from components it has checked; none of them follows a symbolic link in the last
 * component, and callers resolve links themselves. Failures are reported as {@link ErrnoException}
 * (mapped in {@link HostErrors}), never as raw {@code IOException}s.
 */
public interface Host {

    // ---- files -----------------------------------------------------------------------------

    /** Metadata of {@code path}, without following a final symbolic link. */
    HostStat stat(Path path) throws ErrnoException;

    /** Opens a regular file; {@code create} and {@code exclusive} as O_CREAT and O_EXCL. */
    FileChannel open(Path path, boolean read, boolean write, boolean create, boolean exclusive)
            throws ErrnoException;

    /** Names in a directory, without "." and "..". */
    List<String> list(Path dir) throws ErrnoException;

    void createDirectory(Path path) throws ErrnoException;

    /** Removes a file, symbolic link or empty directory. */
    void delete(Path path) throws ErrnoException;

    /** Renames atomically, replacing {@code to} if the host allows it. */
    void rename(Path from, Path to) throws ErrnoException;

    void symlink(Path link, String target) throws ErrnoException;

    String readlink(Path path) throws ErrnoException;

    void link(Path existing, Path link) throws ErrnoException;

    /** Sets the size of a file; the file is not opened by the caller. */
    void truncate(Path path, long size) throws ErrnoException;

    /** Sets times in nanoseconds since the epoch; a negative value leaves that time unchanged. */
    void setTimes(Path path, long atimeNanos, long mtimeNanos) throws ErrnoException;

    // ---- time and entropy ------------------------------------------------------------------

    /** Wall-clock time in nanoseconds since the epoch, as the host reports it (untrusted). */
    long realtimeNanos();

    /** A monotonic clock in nanoseconds from an arbitrary origin. */
    long monotonicNanos();

    /** Fills {@code bytes} from a cryptographically secure source. */
    void randomBytes(byte[] bytes);

    // ---- standard streams of the Arca process ----------------------------------------------

    InputStream stdin();

    OutputStream stdout();

    OutputStream stderr();

    /** Whether the given standard stream (0, 1, 2) is a terminal. */
    boolean isTerminal(int stdStream);
}
