/**
 * The in-memory directory tree shared by the file systems that keep their namespace as Java
 * objects: ramfs and the encrypted fs. As gVisor's VFS splits what it owns from a file system's
 * {@code Impl}, the tree owns what is the same in both (names, directories, symbolic link targets,
 * link counts, times, the rules of rename, and when a node is released) and a file system supplies
 * only what is its own through the hooks of {@link dev.arca.fs.tree.Tree} and {@link
 * dev.arca.fs.tree.TreeNode}: where file data lives, how a change is recorded and committed, and
 * how space is counted.
 *
 * <p>Semantics, checked against Linux (tmpfs) where POSIX leaves a choice:
 * <ul>
 * <li>A node lives while it has a name, an open handle or a pin ({@link dev.arca.fs.Node#pin});
 *     after the last of them goes it is released and its data freed. An unlinked file stays
 *     readable and writable through its handles, with a link count of 0.
 * <li>A removed directory (rmdir, or replaced by rename) has a link count of 0 and refuses new
 *     entries with ENOENT: create, mkdir, symlink, link and rename into it. Its listing is empty:
 *     readdir on Linux ends there without an error (getdents says ENOENT, which glibc takes for the
 *     end of the directory; a WASI libc does not, so the file system gives what readdir gives).
 * <li>A new name is at most {@link dev.arca.fs.tree.Tree#NAME_MAX} bytes of UTF-8 (ENAMETOOLONG).
 *     Longer names an encrypted volume holds from before this limit (the VFS counted characters)
 *     stay reachable, removable and renamable.
 * <li>Linking a file whose last name is gone gives ENOENT. Renaming a name onto another name of the
 *     same file does nothing.
 * </ul>
 *
 * <p>Locking: one lock per file system, {@link dev.arca.fs.tree.Tree#mu}, guards every node of the
 * tree and whatever the file system keeps beside it (its data, its store); every method of a node
 * takes it, and every hook is called with it held. Nothing here takes another lock.
 */
package dev.arca.fs.tree;
