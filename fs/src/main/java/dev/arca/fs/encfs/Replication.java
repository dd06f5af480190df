package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;

/**
 * Where a volume's sealed blocks are kept besides its local copy: the cluster's replicated
 * volumes (docs/cluster.md, "Replicated volumes"). The local copy serves every read; a sync
 * returns only once the blocks written since the last one are replicated, so what a commit
 * acknowledged survives the loss of the local copy and of any minority of the cluster's nodes.
 */
public interface Replication {
    /**
     * Makes {@code local} the local copy of the replicated volume {@code name}, whose writers show
     * {@code writerToken} ({@link VolumeKey#writerToken}): makes this mount
     * its only writer (every earlier writer is fenced: its next sync fails), brings the copy up to
     * what the cluster committed (or, for a volume the cluster has never seen, gives the cluster
     * the copy), and returns the store to mount. Errors: EIO (the cluster cannot be reached or
     * refused), EINVAL (a name the cluster does not take), EEXIST (the local copy holds another
     * volume than the cluster's of that name: it is left as it is), EACCES (the volume's writers
     * show another token: another key). {@code localFile} is the copy's host file (or null): the
     * replication may keep a note beside it (FILE.synced) of which of its states the copy last
     * matched, so the next attach compares only what changed since.
     */
    BlockStore attach(String name, byte[] writerToken, BlockStore local, java.nio.file.Path localFile) throws ErrnoException;
}
