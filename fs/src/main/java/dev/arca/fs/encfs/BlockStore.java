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

    /** Makes every earlier write durable. */
    void sync() throws ErrnoException;

    /** A name for security log lines and errors: the host path. */
    String name();

    @Override
    default void close() {}
}
