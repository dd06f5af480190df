package dev.arca.host;

/** Metadata the host reports for a path. Times are nanoseconds since the epoch. */
public record HostStat(
        Kind kind, long device, long inode, long links, long size, long atime, long mtime, long ctime) {

    public enum Kind {
        FILE, DIRECTORY, SYMLINK, CHARACTER_DEVICE, BLOCK_DEVICE, SOCKET, FIFO, OTHER;

        /** The kind a POSIX {@code st_mode} names (its {@code S_IFMT} bits). */
        public static Kind ofMode(int mode) {
            return switch (mode & 0xF000) {
                case 0x8000 -> FILE;
                case 0x4000 -> DIRECTORY;
                case 0xA000 -> SYMLINK;
                case 0x2000 -> CHARACTER_DEVICE;
                case 0x6000 -> BLOCK_DEVICE;
                case 0xC000 -> SOCKET;
                case 0x1000 -> FIFO;
                default -> OTHER;
            };
        }
    }
}
