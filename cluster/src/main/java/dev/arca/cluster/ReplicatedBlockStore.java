package dev.arca.cluster;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.BlockStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store of a replicated volume's mount: reads from the local copy; writes go to the local
 * copy and are kept until the next {@link #sync}, which returns only once the cluster committed
 * them (a majority of nodes has them in its log). The encrypted volume syncs twice per commit,
 * before and after its superblock (docs/encfs.md), so the cluster gets the data blocks, then the
 * superblock, in that order: every prefix of its log is a volume a crash could have left.
 *
 * <p>A sync that fails (the cluster unreachable, or this writer fenced by a later one) fails the
 * volume's commit with EIO and keeps the blocks, so a later sync sends them again. Not
 * thread-safe: the volume calls it under its lock.
 */
final class ReplicatedBlockStore implements BlockStore {
    private final BlockStore local;
    private final ClusterClient client;
    private final String name;
    private final byte[] token;
    private final long epoch;
    /** Written since the last sync and not yet in the cluster. */
    private final TreeMap<Long, byte[]> unsent = new TreeMap<>();

    ReplicatedBlockStore(BlockStore local, ClusterClient client, String name, byte[] token, long epoch) {
        this.local = local;
        this.client = client;
        this.name = name;
        this.token = token;
        this.epoch = epoch;
    }

    @Override
    public boolean read(long index, byte[] dst) throws ErrnoException {
        return local.read(index, dst);
    }

    @Override
    public void write(long index, byte[] src) throws ErrnoException {
        local.write(index, src);
        unsent.put(index, Arrays.copyOf(src, BLOCK_SIZE));
    }

    @Override
    public int readRun(long first, int count, byte[] dst, int off) throws ErrnoException {
        return local.readRun(first, count, dst, off); // one host read per run, as the local copy does it
    }

    @Override
    public void writeRun(long first, int count, byte[] src, int off) throws ErrnoException {
        local.writeRun(first, count, src, off);
        for (int i = 0; i < count; i++) {
            unsent.put(first + i, Arrays.copyOfRange(src, off + i * BLOCK_SIZE, off + (i + 1) * BLOCK_SIZE));
        }
    }

    /** Queues block {@code index} (already in the local copy) for the next sync. */
    void resend(long index, byte[] data) {
        unsent.put(index, data);
    }

    @Override
    public void sync() throws ErrnoException {
        local.sync();
        while (!unsent.isEmpty()) {
            List<Command.Block> batch = new ArrayList<>(Command.MAX_BLOCKS);
            for (Map.Entry<Long, byte[]> e : unsent.entrySet()) {
                if (batch.size() == Command.MAX_BLOCKS) break;
                batch.add(new Command.Block(e.getKey(), e.getValue()));
            }
            try {
                client.write(Command.blocks(name, token, epoch, batch));
            } catch (ClusterException e) {
                throw Errno.EIO.fail("replicated volume " + name + ": the cluster did not commit its blocks: " + e.getMessage());
            }
            for (Command.Block b : batch) unsent.remove(b.index());
        }
    }

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public void close() {
        local.close();
    }
}
