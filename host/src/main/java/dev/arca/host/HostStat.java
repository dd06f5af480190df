package dev.arca.host;

/** Metadata the host reports for a path. Times are nanoseconds since the epoch. */
public record HostStat(
        Kind kind, long device, long inode, long links, long size, long atime, long mtime, long ctime) {

    public enum Kind { FILE, DIRECTORY, SYMLINK, CHARACTER_DEVICE, BLOCK_DEVICE, SOCKET, FIFO, OTHER }
}
