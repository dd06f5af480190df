package dev.arca.fs;

/**
 * Metadata of a node as WASI's {@code filestat} carries it. Times are nanoseconds since the
 * epoch; {@code device} is filled in by the VFS (one value per mount).
 */
public record Stat(long device, long inode, byte filetype, long links, long size, long atime,
        long mtime, long ctime) {

    public Stat withDevice(long dev) {
        return new Stat(dev, inode, filetype, links, size, atime, mtime, ctime);
    }
}
