package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/** The single place where a host I/O failure becomes an errno. */
public final class HostErrors {
    private HostErrors() {}

    public static ErrnoException map(IOException e) {
        return errno(e).fail(e.getMessage());
    }

    static Errno errno(IOException e) {
        if (e instanceof NoSuchFileException) return Errno.ENOENT;
        if (e instanceof FileAlreadyExistsException) return Errno.EEXIST;
        if (e instanceof DirectoryNotEmptyException) return Errno.ENOTEMPTY;
        if (e instanceof NotDirectoryException) return Errno.ENOTDIR;
        if (e instanceof AccessDeniedException) return Errno.EACCES;
        if (e instanceof FileSystemLoopException) return Errno.ELOOP;
        if (e instanceof NotLinkException) return Errno.EINVAL;
        if (e instanceof ClosedChannelException) return Errno.EBADF;
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            String r = fse.getReason();
            if (r.contains("Is a directory")) return Errno.EISDIR;
            if (r.contains("Not a directory")) return Errno.ENOTDIR;
            if (r.contains("Directory not empty")) return Errno.ENOTEMPTY;
            if (r.contains("symbolic links")) return Errno.ELOOP;
            if (r.contains("No space left")) return Errno.ENOSPC;
            if (r.contains("Read-only file system")) return Errno.EROFS;
            if (r.contains("File name too long")) return Errno.ENAMETOOLONG;
            if (r.contains("Invalid argument")) return Errno.EINVAL;
            if (r.contains("cross-device")) return Errno.EXDEV;
            if (r.contains("Too many links")) return Errno.EMLINK;
            if (r.contains("Operation not permitted")) return Errno.EPERM;
            if (r.contains("File too large")) return Errno.EFBIG;
            if (r.contains("Disk quota exceeded")) return Errno.EDQUOT;
        }
        String m = e.getMessage();
        if (m != null && m.contains("No space left")) return Errno.ENOSPC;
        return Errno.EIO;
    }

    /**
     * A host failure in words for people, without the errno's name or the path (the caller names
     * the file): "no such file", "not a regular file (fifo)", "larger than 4096 bytes".
     */
    public static String describe(ErrnoException e) {
        String m = e.getMessage();
        String prefix = e.errno().name() + ": ";
        String detail = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        int notRegular = detail.indexOf("not a regular file");
        int larger = detail.indexOf("larger than");
        return switch (e.errno()) {
            case ENOENT -> "no such file";
            case EISDIR -> "is a directory";
            case ENOTDIR -> "not a directory";
            case EFBIG -> larger >= 0 ? detail.substring(larger) : "too large";
            case EINVAL -> notRegular >= 0 ? detail.substring(notRegular).replace('_', ' ') : detail;
            case EACCES -> notRegular >= 0 ? detail.substring(notRegular).replace('_', ' ') : "permission denied";
            case EROFS -> "read-only file system";
            case ENOSPC -> "no space left on the host";
            default -> detail;
        };
    }
}
