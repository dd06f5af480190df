/**
 * Arca's encrypted, tamper-evident, crash-safe file system (format and guarantees:
 * {@code docs/encfs.md}). {@link dev.arca.fs.encfs.EncFs} is the volume; its parts, each with its
 * contract in its class comment, so that each can be replaced alone:
 * <ul>
 * <li>{@code Superblock}: the two slots at blocks 0 and 1, the root of trust;
 * <li>{@code Allocator}: which blocks are in use, so commits are copy-on-write;
 * <li>{@code SealedStore}: the untrusted {@link dev.arca.fs.encfs.BlockStore} through the
 *     {@code Sealer} (AES-256-GCM, or SHA-256 for images), every block bound to its place;
 * <li>{@code BlockCache}: verified plaintext in memory, runs read ahead, and write-behind of dirty blocks;
 * <li>{@code BlockTree}: one object's content as a Merkle tree of {@code Ref}s;
 * <li>{@code InodeTable}: object 0, the inode records, each inode read on first use and kept;
 * <li>{@code SpaceMap}: the blocks and inode numbers in use and the orphans, stored at each
 *     commit, so a mount reads nothing per file;
 * <li>{@code DirectoryBlocks}: where a directory's names are stored, runs of them in blocks and an index of the runs;
 * <li>{@code Commit}: the changes since the last commit, and the commit that makes them durable;
 * <li>{@code EncNode}: an inode as a node of the shared directory tree ({@code dev.arca.fs.tree}),
 *     which owns names, links, times and rename rules; {@code SecurityLog}: what a detection becomes.
 * </ul>
 *
 * <p>Locking: one lock per volume, the tree's {@code mu}, held by every entry point (node and
 * handle methods, {@code EncFs}'s public methods); the parts are not thread-safe and require it.
 * The exceptions are the cipher work and host I/O of runs of blocks: {@code Sealer} is
 * thread-safe, and {@code SealedStore}'s run methods that take their own staging buffer are run
 * by the common fork/join pool (parallel sealing and opening) and by the volume's
 * writer thread (write-behind), whose results are taken in under the lock ({@code BlockCache}).
 * The {@code nio} package (the {@code arca-vol:} provider) only dispatches to the same nodes.
 */
package dev.arca.fs.encfs;
