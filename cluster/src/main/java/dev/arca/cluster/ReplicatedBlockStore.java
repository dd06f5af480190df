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
    /** Where entries go: a write through the cluster's log ({@link ClusterClient#write}), its reply's JSON. */
    interface Log {
        com.fasterxml.jackson.databind.JsonNode write(Command c) throws ClusterException;
    }

    /**
     * How many entries of blocks alone a large commit keeps in flight at once (see {@link #send}):
     * 4 MiB of blocks, enough for the leader to append, and its followers to write and sync, one
     * entry while the next arrives.
     */
    static final int WINDOW = 4;
    private final BlockStore local;
    private final Log client;
    private final String name;
    private final byte[] token;
    private final long epoch;
    private final Freshness record; // the cluster's record of committed versions, through the same client; or null
    /** Written since the last sync and not yet in the cluster. */
    private final TreeMap<Long, byte[]> unsent = new TreeMap<>();

    ReplicatedBlockStore(BlockStore local, Log client, String name, byte[] token, long epoch, Freshness record) {
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

    /**
     * Sends every queued block, the superblock's two slots last; the last entry carries {@code
     * version} of {@code volume} when given. A commit of more than {@link Command#MAX_BLOCKS}
     * blocks takes several entries: all but the last hold blocks that no committed superblock
     * names yet, so they may reach the log in any order, and go {@link #WINDOW} at a time, each on
     * a virtual thread of its own (one after another, each waited for, a 256 MiB commit spent most
     * of its time waiting: bench/cluster.sh, "Bulk"). The last entry, with the superblock (and the
     * version), is sent only once every other entry is committed; if any failed, it is not sent,
     * the commit fails with EIO, and the blocks not committed stay queued for the next sync (the
     * ones committed are harmless: no superblock names them until a commit succeeds).
     */
    private void send(String volume, long version) throws ErrnoException {
        List<Command.Block> all = new ArrayList<>(unsent.size());
        for (Map.Entry<Long, byte[]> e : unsent.tailMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        for (Map.Entry<Long, byte[]> e : unsent.headMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        if (all.isEmpty() && volume == null) return;
        List<List<Command.Block>> entries = new ArrayList<>();
        for (int from = 0; from < all.size() || entries.isEmpty(); from += Command.MAX_BLOCKS) {
            entries.add(all.subList(from, Math.min(all.size(), from + Command.MAX_BLOCKS)));
        }
        List<Command.Block> last = entries.removeLast();
        if (!entries.isEmpty()) sendAll(entries);
        long now;
        try {
            now = client.write(volume != null ? Command.blocks(name, token, epoch, last, volume, version) : Command.blocks(name, token, epoch, last))
                    .path("version").asLong(-1);
        } catch (ClusterException e) {
            throw failed(e);
        }
        for (Command.Block b : last) unsent.remove(b.index());
        if (volume != null) ReplicatedFreshness.recorded(now, version);
    }

    private ErrnoException failed(ClusterException e) {
        return Errno.EIO.fail("replicated volume " + name + ": the cluster did not commit its blocks: " + e.getMessage());
    }

    /** Commits {@code entries} of blocks alone, {@link #WINDOW} at a time; throws the first failure once none is in flight. */
    private void sendAll(List<List<Command.Block>> entries) throws ErrnoException {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(WINDOW);
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        ClusterException first = null;
        boolean interrupted = false;
        try (var threads = java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("arca-replicate-" + name + "-", 0).factory())) {
            for (List<Command.Block> entry : entries) {
                try {
                    window.acquire();
                } catch (InterruptedException e) {
                    interrupted = true; // stop sending; those in flight end (close waits for them)
                    break;
                }
                sent.add(threads.submit(() -> {
                    try {
                        client.write(Command.blocks(name, token, epoch, entry));
                        return null;
                    } finally {
                        window.release();
                    }
                }));
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get();
                for (Command.Block b : entries.get(i)) unsent.remove(b.index());
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) first = e.getCause() instanceof ClusterException c ? c : new ClusterException(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                interrupted = true; // done already (the executor closed): not reached
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw Errno.EIO.fail("replicated volume " + name + ": interrupted while its blocks were sent");
        }
        if (first != null) throw failed(first);
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
