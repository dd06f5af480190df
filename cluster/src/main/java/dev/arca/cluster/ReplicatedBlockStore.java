package dev.arca.cluster;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.Freshness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store of a replicated volume's mount: reads from the local copy; writes go to the local
 * copy and are kept until the next {@link #sync}, which returns only once the cluster committed
 * them (a majority of nodes has them in its log). A commit of the encrypted volume reaches the
 * cluster in one entry ({@link #commit}): its blocks, its superblock and its new version.
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
    private final Freshness record; // the cluster's record of committed versions, through the same client; or null
    /** Written since the last sync and not yet in the cluster. */
    private final TreeMap<Long, byte[]> unsent = new TreeMap<>();

    ReplicatedBlockStore(BlockStore local, ClusterClient client, String name, byte[] token, long epoch, Freshness record) {
        this.local = local;
        this.record = record;
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
        send(null, -1);
    }

    /**
     * Nothing: the blocks written so far stay queued and reach the cluster at {@link #commit}, in
     * the entries before the superblock's or in the same one, so the cluster's log has them first
     * (every prefix of it is still a volume a crash could have left). The local copy needs no
     * ordering either: it is never trusted to be current, every mount compares it with the
     * cluster's blocks (see {@link ReplicatedVolumes}).
     */
    @Override
    public void order() {}

    /** Ordering is free here (above), so a commit needs no list of its blocks. */
    @Override
    public boolean syncOrders() {
        return false;
    }

    /**
     * The commit point in one Raft entry (more only for a commit of over {@link Command#MAX_BLOCKS}
     * blocks): the blocks queued since the last commit, the superblock last, and, when
     * {@code freshness} is the cluster's own record, the volume's new version with them. So a
     * commit costs one round through the log, not three (blocks, superblock, version), and the
     * version can never be recorded without the blocks it names. The local copy is written but not
     * synced (see {@link #order}).
     */
    @Override
    public void commit(Freshness freshness, byte[] volumeId, long version) throws ErrnoException {
        if (freshness == null || freshness != record) {
            BlockStore.super.commit(freshness, volumeId, version);
        } else {
            send(HexFormat.of().formatHex(volumeId), version);
        }
    }

    /** Sends every queued block, the superblock's two slots last; the last entry carries {@code version} of {@code volume} when given. */
    private void send(String volume, long version) throws ErrnoException {
        List<Command.Block> all = new ArrayList<>(unsent.size());
        for (Map.Entry<Long, byte[]> e : unsent.tailMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        for (Map.Entry<Long, byte[]> e : unsent.headMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        if (all.isEmpty() && volume == null) return;
        int from = 0;
        do {
            List<Command.Block> batch = all.subList(from, Math.min(all.size(), from + Command.MAX_BLOCKS));
            boolean last = from + batch.size() == all.size();
            long now;
            try {
                now = client.write(last && volume != null ? Command.blocks(name, token, epoch, batch, volume, version) : Command.blocks(name, token, epoch, batch))
                        .path("version").asLong(-1);
            } catch (ClusterException e) {
                throw Errno.EIO.fail("replicated volume " + name + ": the cluster did not commit its blocks: " + e.getMessage());
            }
            for (Command.Block b : batch) unsent.remove(b.index());
            if (last && volume != null) ReplicatedFreshness.recorded(now, version);
            from += batch.size();
        } while (from < all.size());
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
