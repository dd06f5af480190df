package dev.arca.fs;

/** One mounted file system. */
public interface FileSystem {
    /** Its root directory. */
    Node root();

    /** A short type name for listings: "ramfs", "hostfs", "devfs". */
    String type();

    /** Whether every change is refused with EROFS. */
    default boolean readOnly() {
        return false;
    }

    /**
     * {@code fsync} of {@code directory} (a node of this file system): makes its changes of names
     * durable. Nothing by default (a file system that keeps nothing, or makes names durable at
     * once).
     */
    default void sync(Node directory) throws dev.arca.abi.ErrnoException {}

    /** Releases what the file system holds on the host (descriptors, files) when it is unmounted. */
    default void close() throws dev.arca.abi.ErrnoException {}
}
