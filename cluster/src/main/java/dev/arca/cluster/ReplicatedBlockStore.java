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
 * The store of a replicated volume's mount: reads from the local copy; writes are kept in memory
 * until the next {@link #sync}, which returns only once the cluster committed them (a majority of
 * nodes has them in its log), and only then are they written to the local copy. A commit of the
 * encrypted volume reaches the cluster in one entry ({@link #commit}): its blocks, its superblock
 * and its new version. A large write does not wait in memory for its commit: once
 * {@link #SEND_AHEAD} blocks are queued, {@link #syncBehind} sends them ahead (the superblock's
 * slots stay queued). The volume writes copy-on-write, so until the commit's superblock they are
 * blocks nothing committed refers to, in the cluster as in a local file.
 *
 * <p>So the local copy only ever holds blocks the cluster committed: after each entry it matches
 * the cluster's state at that entry's log index, which its note says ({@link CopyMark}), and the
 * next mount, wherever a crash left it, compares only the blocks written since. (Written before
 * the commit, a block of a commit that never happened would stay in the copy unseen.) The memory
 * is the same: the blocks were kept until the commit anyway, to be sent.
 *
 * <p>Blocks the local copy lacks or holds otherwise at the mount (a copy new on this node: every
 * block; one cut short: those past its end; a stale one: those written since it was current) are
 * not fetched before the mount: they are {@link #missing}, fetched from
 * the node the mount entered through when first read (with the missing blocks after them, up to
 * a run), and by a thread of the store's own in the background, so that a service that fails over
 * to a node that never ran it starts at once rather than after copying its whole volume. The
 * fetch reads the node's state at the open or later: the open fenced every other writer, and a
 * block this mount wrote since is in memory or already written back, which the fetched bytes then
 * never overwrite. Until none is missing the copy's note stays invalid.
 *
 * <p>A sync that fails (the cluster unreachable, or this writer fenced by a later one) fails the
 * volume's commit with EIO and keeps the blocks, so a later sync sends them again. The volume
 * calls it under its lock; its own monitor guards it against its background fetch.
 */
final class ReplicatedBlockStore implements BlockStore {
    private final BlockStore local;
    private final ClusterClient client;
    private final String name;
    private final byte[] token;
    private final long epoch;
    private final Freshness record; // the cluster's record of committed versions, through the same client; or null
    private final CopyMark mark; // the local copy's note, or null
    /** Written since the last sync and not yet in the cluster (nor in the local copy, unless in {@link #inLocal}). */
    private final TreeMap<Long, byte[]> unsent = new TreeMap<>();
    /** Blocks of {@link #unsent} the local copy already holds (a copy given to a cluster that had none). */
    private final java.util.Set<Long> inLocal = new java.util.HashSet<>();
    /** Blocks the cluster has and the local copy does not yet, or holds otherwise (fetched when read, and in the background); cleared once written to the copy. */
    private final java.util.BitSet missing = new java.util.BitSet();
    private long matched; // the newest log index whose state the copy will match once nothing is missing
    private volatile Thread filler; // the background fetch of the missing blocks, or null
    private volatile boolean closed;

    ReplicatedBlockStore(BlockStore local, ClusterClient client, String name, byte[] token, long epoch, Freshness record, CopyMark mark) {
        this.local = local;
        this.mark = mark;
        this.record = record;
        this.client = client;
        this.name = name;
        this.token = token;
        this.epoch = epoch;
        this.matched = epoch;
    }

    /**
     * The copy lacks {@code blocks} (the cluster has them): fetched on first read, and from now on
     * in the background. The copy's note is made invalid until none is missing.
     */
    synchronized void fetchLater(java.util.BitSet blocks) {
        missing.or(blocks);
        if (missing.isEmpty()) return;
        if (mark != null) mark.invalidate();
        filler = Thread.ofPlatform().daemon().name("fetch of replicated volume " + name).start(this::fill);
    }

    /** The background fetch: a run of missing blocks at a time, fetched outside the monitor; retried after a failure until the store closes. */
    private void fill() {
        while (!closed) {
            long from;
            int count;
            synchronized (this) {
                int first = -1;
                for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
                    if (wanted(i)) {
                        first = i;
                        break;
                    }
                }
                if (first < 0) {
                    if (missing.isEmpty()) {
                        complete();
                        return;
                    }
                    try {
                        wait(100); // only blocks this mount wrote and has not committed yet: their write-back clears them
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                from = first;
                count = run(first);
            }
            try {
                byte[][] blocks = fetch(from, count);
                synchronized (this) {
                    if (closed) return;
                    place(from, blocks);
                }
            } catch (ErrnoException | RuntimeException e) {
                try {
                    Thread.sleep(1000); // the node could not answer (a restart, a lost quorum): again later; reads fetch for themselves
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Nothing is missing any more: the copy, synced, matches the cluster's state at {@link #matched}. Under the monitor. */
    private void complete() {
        try {
            local.sync();
            if (mark != null) mark.matched(matched, local, true);
        } catch (ErrnoException e) {
            // the note stays invalid: the next mount compares every block
        }
    }

    /** How many missing blocks follow one another from {@code first}, up to a run of {@link Command#MAX_BLOCKS}. */
    private int run(long first) {
        int n = 1;
        while (n < Command.MAX_BLOCKS && missing.get((int) first + n)) n++;
        return n;
    }

    /** Blocks {@code from..from+count-1} as the node the mount entered through has them at the open or later (null where it has none). */
    private byte[][] fetch(long from, int count) throws ErrnoException {
        try {
            return Command.readReply(client.readHere(Command.readFramed(name, from, count), epoch), from, count).blocks();
        } catch (ClusterException e) {
            throw Errno.EIO.fail("replicated volume " + name + ": fetching blocks " + from + "-" + (from + count - 1) + " this copy lacks: " + e.getMessage());
        }
    }

    /**
     * Writes the fetched blocks that are still missing and not written by this mount since (in
     * memory, not committed yet) to the copy, a run of neighbours per host write. Under the monitor.
     */
    private void place(long from, byte[][] blocks) throws ErrnoException {
        byte[] run = new byte[blocks.length * BLOCK_SIZE];
        for (int i = 0; i < blocks.length; i++) {
            if (wanted(from + i) && blocks[i] == null) {
                throw Errno.EIO.fail("replicated volume " + name + ": block " + (from + i) + " vanished from the cluster while it was fetched");
            }
        }
        int i = 0;
        while (i < blocks.length) {
            long at = from + i;
            if (!wanted(at)) {
                i++;
                continue;
            }
            int n = 0;
            while (i + n < blocks.length && wanted(at + n)) {
                System.arraycopy(blocks[i + n], 0, run, n * BLOCK_SIZE, BLOCK_SIZE);
                n++;
            }
            local.writeRun(at, n, run, 0);
            missing.clear((int) at, (int) at + n);
            i += n;
        }
    }

    /** Whether block {@code index} is to be fetched: missing, and not written by this mount since (in memory, not committed yet). Under the monitor. */
    private boolean wanted(long index) {
        return index < Integer.MAX_VALUE && missing.get((int) index) && !unsent.containsKey(index);
    }

    /** Fetches the missing blocks of {@code first..first+count-1} that this mount has not written (the run from each, read ahead). Under the monitor. */
    private void fetchMissing(long first, int count) throws ErrnoException {
        if (missing.isEmpty() || first >= Integer.MAX_VALUE) return;
        int end = (int) Math.min(Integer.MAX_VALUE, first + count);
        for (int i = missing.nextSetBit((int) first); i >= 0 && i < end; i = missing.nextSetBit(i + 1)) {
            if (!wanted(i)) continue;
            int n = run(i);
            place(i, fetch(i, n));
            i += n - 1;
        }
        if (missing.isEmpty()) notifyAll();
    }

    @Override
    public synchronized boolean read(long index, byte[] dst) throws ErrnoException {
        byte[] b = unsent.get(index);
        if (b == null) {
            fetchMissing(index, 1);
            return local.read(index, dst);
        }
        System.arraycopy(b, 0, dst, 0, BLOCK_SIZE);
        return true;
    }

    @Override
    public synchronized void write(long index, byte[] src) throws ErrnoException {
        unsent.put(index, Arrays.copyOf(src, BLOCK_SIZE));
        inLocal.remove(index);
    }

    @Override
    public synchronized int readRun(long first, int count, byte[] dst, int off) throws ErrnoException {
        fetchMissing(first, count);
        int n = local.readRun(first, count, dst, off); // one host read per run, as the local copy does it
        for (Map.Entry<Long, byte[]> e : unsent.subMap(first, first + count).entrySet()) {
            System.arraycopy(e.getValue(), 0, dst, off + (int) (e.getKey() - first) * BLOCK_SIZE, BLOCK_SIZE);
        }
        while (n < count && unsent.containsKey(first + n)) n++; // written past the copy's end, not yet committed
        return n;
    }

    @Override
    public synchronized void writeRun(long first, int count, byte[] src, int off) throws ErrnoException {
        for (int i = 0; i < count; i++) {
            unsent.put(first + i, Arrays.copyOfRange(src, off + i * BLOCK_SIZE, off + (i + 1) * BLOCK_SIZE));
            inLocal.remove(first + i);
        }
    }

    /** Queues block {@code index} (already in the local copy) for the next sync. */
    synchronized void resend(long index, byte[] data) {
        unsent.put(index, data);
        inLocal.add(index);
    }

    /** Blocks (other than the superblock's two slots) that {@link #syncBehind} lets wait in memory for a commit: 16 MiB. */
    static final int SEND_AHEAD = 16 * Command.MAX_BLOCKS;

    /**
     * Sends the queued blocks ahead of the commit once {@link #SEND_AHEAD} of them wait (the
     * superblock's slots stay queued for the commit), so that a large write holds 16 MiB of memory
     * at most, not all of it until its fsync. A failure (the cluster unreachable, this writer
     * fenced) keeps the blocks queued and fails the write with EIO.
     */
    @Override
    public synchronized void syncBehind() throws ErrnoException {
        if (unsent.size() - unsent.headMap(2L).size() >= SEND_AHEAD) send(null, -1, false);
    }

    /** How many blocks wait in memory to be sent (for tests). */
    synchronized int queued() {
        return unsent.size();
    }

    @Override
    public synchronized void sync() throws ErrnoException {
        send(null, -1, true);
        local.sync();
        if (mark != null && missing.isEmpty()) mark.synced();
    }

    /**
     * Nothing: the blocks written so far stay queued and reach the cluster at {@link #commit}, in
     * the entries before the superblock's or in the same one, so the cluster's log has them first
     * (every prefix of it is still a volume a crash could have left). The local copy needs no
     * ordering either: it is never trusted to be current, every mount compares it with the
     * cluster's blocks, those written since the state its note names (see {@link ReplicatedVolumes}).
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
    public synchronized void commit(Freshness freshness, byte[] volumeId, long version) throws ErrnoException {
        if (freshness == null || freshness != record) {
            BlockStore.super.commit(freshness, volumeId, version);
        } else {
            send(HexFormat.of().formatHex(volumeId), version, true);
        }
    }

    /**
     * Sends every queued block, the superblock's two slots last (with {@code slots}; without, they
     * stay queued); the last entry carries {@code version} of {@code volume} when given.
     */
    private void send(String volume, long version, boolean slots) throws ErrnoException {
        List<Command.Block> all = new ArrayList<>(unsent.size());
        for (Map.Entry<Long, byte[]> e : unsent.tailMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        if (slots) for (Map.Entry<Long, byte[]> e : unsent.headMap(2L).entrySet()) all.add(new Command.Block(e.getKey(), e.getValue()));
        if (all.isEmpty() && volume == null) return;
        int from = 0;
        do {
            List<Command.Block> batch = all.subList(from, Math.min(all.size(), from + Command.MAX_BLOCKS));
            boolean last = from + batch.size() == all.size();
            com.fasterxml.jackson.databind.JsonNode reply;
            try {
                reply = client.write(last && volume != null ? Command.blocks(name, token, epoch, batch, volume, version) : Command.blocks(name, token, epoch, batch));
            } catch (ClusterException e) {
                throw Errno.EIO.fail("replicated volume " + name + ": the cluster did not commit its blocks: " + e.getMessage());
            }
            writeBack(batch, reply.path("index").asLong(-1));
            if (last && volume != null) ReplicatedFreshness.recorded(reply.path("version").asLong(-1), version);
            from += batch.size();
        } while (from < all.size());
    }

    /**
     * The committed {@code batch} into the local copy, a run of neighbours per host write, then
     * out of memory; the note then says the copy matches the cluster's state at {@code index}
     * (the entry's log index, -1 when the node did not say). A write that fails keeps the blocks
     * queued (reads still see them, the next sync sends them again) and the note is made invalid:
     * the copy no longer matches any one state.
     */
    private void writeBack(List<Command.Block> batch, long index) throws ErrnoException {
        List<Command.Block> sorted = new ArrayList<>(batch);
        sorted.removeIf(b -> inLocal.contains(b.index()));
        sorted.sort(java.util.Comparator.comparingLong(Command.Block::index));
        byte[] run = new byte[Math.min(sorted.size(), Command.MAX_BLOCKS) * BLOCK_SIZE];
        try {
            for (int i = 0; i < sorted.size(); ) {
                long first = sorted.get(i).index();
                int n = 0;
                while (i + n < sorted.size() && n < Command.MAX_BLOCKS && sorted.get(i + n).index() == first + n) {
                    System.arraycopy(sorted.get(i + n).data(), 0, run, n * BLOCK_SIZE, BLOCK_SIZE);
                    n++;
                }
                local.writeRun(first, n, run, 0);
                i += n;
            }
        } catch (ErrnoException e) {
            if (mark != null) mark.invalidate();
            throw Errno.EIO.fail("replicated volume " + name + ": the cluster committed its blocks, but the local copy could not be written: " + e.getMessage());
        }
        for (Command.Block b : batch) {
            unsent.remove(b.index());
            inLocal.remove(b.index());
            if (b.index() < Integer.MAX_VALUE) missing.clear((int) b.index()); // committed and in the copy: never fetched
        }
        matched = Math.max(matched, index);
        if (!missing.isEmpty()) return; // the copy matches no state yet: its note stays invalid
        if (filler != null && filler.isAlive()) {
            notifyAll(); // the background fetch completes the note
            return;
        }
        if (mark != null) mark.matched(index, local, false, batch.stream().anyMatch(b -> b.index() < 2));
    }

    @Override
    public String name() {
        return local.name();
    }

    /** Closes the local copy; a copy written since its last sync is synced first, so its note holds after a power loss too. */
    @Override
    public void close() {
        closed = true;
        Thread f = filler;
        if (f != null) {
            f.interrupt();
            try {
                f.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                if (mark != null && mark.valid() && mark.unsynced()) {
                    local.sync();
                    mark.synced();
                }
            } catch (ErrnoException e) {
                // the note keeps the older synced index: the next mount after a power loss compares more
            } finally {
                if (mark != null) mark.close();
                local.close();
            }
        }
    }
}
