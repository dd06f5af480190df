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

    /** Releases what the file system holds on the host (descriptors, files) when it is unmounted. */
    default void close() throws dev.arca.abi.ErrnoException {}
}
