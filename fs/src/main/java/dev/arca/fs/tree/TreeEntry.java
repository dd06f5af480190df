package dev.arca.fs.tree;

/**
 * What a directory's name refers to: a {@link TreeNode} in memory, or (in a directory a file
 * system entered from storage, {@link TreeNode#enterStored}) the number of an inode not read yet,
 * which the first use of that name reads ({@link TreeNode#resolve}).
 */
public sealed interface TreeEntry permits TreeNode, TreeEntry.Stored {
    long inode();

    /** An entry whose inode is not read yet: only its number is in memory. */
    record Stored(long inode) implements TreeEntry {}
}
