package dev.arca.kernel.vfs;

import dev.arca.fs.FileSystem;

/**
 * A file system attached at {@code path} (absolute, normalised) in the guest namespace.
 *
 * @param id a small number unique in its table, reported as {@code st_dev}
 */
public record Mount(int id, FileSystem fileSystem, String path, boolean readOnly) {

    public boolean writable() {
        return !readOnly && !fileSystem.readOnly();
    }
}
