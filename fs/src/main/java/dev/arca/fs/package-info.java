/**
 * The file-system interface of Arca's VFS: what every file system implements ({@link
 * dev.arca.fs.FileSystem}, {@link dev.arca.fs.Node}, {@link dev.arca.fs.FileHandle}), and the file
 * systems themselves, one package each: {@code ramfs}, {@code hostfs}, {@code devfs}, {@code
 * encfs} (with {@code encfs.nio}), {@code union}. Those that keep their namespace in memory
 * (ramfs, encfs) share one directory tree, {@code tree}, and supply only their data, commit and
 * accounting. {@code FileSystemContract} (in the tests) is the contract every file system a guest
 * writes to is checked against.
 *
 * <p>A file system knows nothing of processes, descriptors, mounts or path strings: the kernel's
 * VFS walks paths one component at a time, follows symbolic links itself and crosses mounts, and
 * asks a {@link dev.arca.fs.Node} only about single names in one directory. Names passed to a
 * node are never empty, never "." or "..", and never contain '/' or NUL.
 */
package dev.arca.fs;
