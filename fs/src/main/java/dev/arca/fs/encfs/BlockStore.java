package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;

/**
 * Where sealed blocks live: an array of {@link #BLOCK_SIZE}-byte blocks on the untrusted host.
 * Nothing read from it is trusted until {@link Sealer} has checked it against a reference held in
 * trusted state.
 *
 * <p>Durability contract (what crash consistency relies on): a write may reach the disk or not,
 * in any order, until {@link #sync} returns; after it returns, every earlier write is durable.
 */
public interface BlockStore extends AutoCloseable {
    int BLOCK_SIZE = 4096;

    /**
     * Reads block {@code index} into {@code dst} (BLOCK_SIZE bytes). Returns false when the block
     * lies past the end of the store (the host truncated it, or it was never written).
     */
    boolean read(long index, byte[] dst) throws ErrnoException;

    /** Writes BLOCK_SIZE bytes at block {@code index}, growing the store. Errors: ENOSPC, EIO. */
    void write(long index, byte[] src) throws ErrnoException;

    /**
     * Reads blocks {@code first} to {@code first + count - 1} into {@code dst} from {@code off};
     * returns how many of them, from the first, the store holds (the rest lie past its end). A
     * store on a host file does this with one read per run.
     */
    default int readRun(long first, int count, byte[] dst, int off) throws ErrnoException {
        byte[] b = new byte[BLOCK_SIZE];
        for (int i = 0; i < count; i++) {
            if (!read(first + i, b)) return i;
            System.arraycopy(b, 0, dst, off + i * BLOCK_SIZE, BLOCK_SIZE);
        }
        return count;
    }

    /**
     * Writes {@code count} blocks from {@code src} at {@code off} to blocks {@code first} onwards.
     * The same as {@code count} single writes: any of them may reach the disk or not, whole or
     * torn, until {@link #sync}. A store on a host file does this with one write per run.
     */
    default void writeRun(long first, int count, byte[] src, int off) throws ErrnoException {
        for (int i = 0; i < count; i++) {
            write(first + i, java.util.Arrays.copyOfRange(src, off + i * BLOCK_SIZE, off + (i + 1) * BLOCK_SIZE));
        }
    }

    /**
     * Whether {@link #readRun} and {@link #writeRun} may be called from several threads at once
     * (the volume's write-behind thread beside the caller's).
     */
    default boolean concurrent() {
        return false;
    }

    /** Makes every earlier write durable. */
    void sync() throws ErrnoException;

    /**
     * Called after each run of writes (a write-behind batch, a run a volume or an image wrote
     * itself): the store may make the writes so far durable, beside its caller, when much was
     * written since its last sync, so that the next commit's {@link #sync} finds little left to
     * wait for. It promises nothing (a crash may still lose any write no later sync covered) and
     * keeps {@link #sync}'s contract: if it fails, every later sync fails too. No-op by default.
     */
    default void syncBehind() throws ErrnoException {}

    /**
     * Orders writes: every write before it is durable no later than any write after it (a commit's
     * blocks before its superblock). A store on a host file can only do that by syncing, which is
     * the default; a store that makes a commit's writes durable in one atomic step at
     * {@link #commit} needs nothing here.
     */
    default void order() throws ErrnoException {
        sync();
    }

    /**
     * Whether {@link #order} costs a sync, as by default. An encrypted volume on such a store
     * commits a change of few blocks with one sync instead of two: it names the blocks in its
     * superblock ({@link Superblock#LIST}) and does not order them. A store whose order is free
     * (a replicated volume's) is ordered as before.
     */
    default boolean syncOrders() {
        return true;
    }

    /**
     * A commit's last step: makes every earlier write durable and records {@code version} as the
     * committed version of volume {@code volumeId} in {@code freshness} (null: none is kept). The
     * default syncs, then advances the record; a store whose blocks are kept where the record is
     * (a replicated volume in the cluster) does both at once. Errors: EIO (then the commit did
     * not happen, as far as the volume is concerned: nothing it used is freed).
     */
    default void commit(Freshness freshness, byte[] volumeId, long version) throws ErrnoException {
        sync();
        if (freshness != null) freshness.advance(volumeId, version);
    }

    /**
     * Blocks {@code first} to {@code first + count - 1} hold nothing any committed or working
     * version refers to: the store may give their space back to the host (a host file punches a
     * hole; they then read as zeros). Not ordered with writes; no sync needed. Default: keeps them.
     */
    default void discard(long first, long count) throws ErrnoException {}

    /** No block from {@code blocks} on is referred to by anything: the store may end there. Default: keeps them. */
    default void shrink(long blocks) throws ErrnoException {}

    /** How many blocks the store holds (its end), or -1 when it cannot tell. */
    default long blocks() throws ErrnoException {
        return -1;
    }

    /** A name for security log lines and errors: the host path. */
    String name();

    @Override
    default void close() {}
}
