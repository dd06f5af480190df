package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BlockStore} in memory that models a disk: writes are volatile until {@link #sync}, and
 * it can stop (a power cut) after the Nth write. {@link #afterCrash} gives what a disk may hold
 * after the cut: the synced blocks plus none, all, every other one, all but a torn last one, or
 * only the last one of the writes made since (a disk that wrote them in another order). A run of blocks counts as one write per block, as a disk may keep
 * any of them.
 */
final class MemStore implements BlockStore {
    enum Crash { NONE_UNSYNCED, ALL_UNSYNCED, ALTERNATE_UNSYNCED, TORN_LAST, LAST_ONLY }

    final Map<Long, byte[]> durable = new HashMap<>();
    private final List<Map.Entry<Long, byte[]>> pending = new ArrayList<>();
    long writesLeft = Long.MAX_VALUE;
    long writes;
    long reads; // blocks read
    long capacity = Long.MAX_VALUE;
    boolean crashed;
    long discarded; // blocks given back (holes punched)
    long syncs;
    long syncsBehind; // syncs made by syncBehind (not counted in syncs)
    long syncBehindBlocks = 64; // syncBehind syncs once this many blocks were written since the last sync
    boolean failSync; // the next sync is a power cut: nothing since the last one is durable
    boolean syncIsEvent; // a sync counts as a write-like event, so the power may go at it (the crash matrix)

    /** Counts one write-like event (a block write, a freshness update); stops after the last allowed. */
    synchronized void event() throws ErrnoException {
        if (crashed || writesLeft == 0) {
            crashed = true;
            throw Errno.EIO.fail("power cut");
        }
        writesLeft--;
        writes++;
    }

    @Override
    public synchronized boolean read(long index, byte[] dst) {
        reads++;
        for (int i = pending.size() - 1; i >= 0; i--) {
            if (pending.get(i).getKey() == index) {
                System.arraycopy(pending.get(i).getValue(), 0, dst, 0, BLOCK_SIZE);
                return true;
            }
        }
        byte[] b = durable.get(index);
        if (b == null) return false;
        System.arraycopy(b, 0, dst, 0, BLOCK_SIZE);
        return true;
    }

    @Override
    public synchronized void write(long index, byte[] src) throws ErrnoException {
        if (index >= capacity) throw Errno.ENOSPC.fail("disk full");
        event();
        pending.add(Map.entry(index, src.clone()));
    }

    @Override
    public synchronized void sync() throws ErrnoException {
        if (crashed || failSync) {
            crashed = true;
            throw Errno.EIO.fail("power cut");
        }
        if (syncIsEvent) event();
        syncs++;
        for (Map.Entry<Long, byte[]> e : pending) durable.put(e.getKey(), e.getValue());
        pending.clear();
    }

    /**
     * As a sync once {@link #syncBehindBlocks} blocks wait (a power cut may come at it in the
     * crash matrix), counted apart from the commits' syncs; otherwise nothing, as a host file's
     * store does below its threshold.
     */
    @Override
    public synchronized void syncBehind() throws ErrnoException {
        if (crashed) throw Errno.EIO.fail("power cut");
        if (pending.size() < syncBehindBlocks) return;
        if (syncIsEvent) event();
        syncsBehind++;
        for (Map.Entry<Long, byte[]> e : pending) durable.put(e.getKey(), e.getValue());
        pending.clear();
    }

    /** Its methods are synchronized: a volume's write-behind and read-ahead threads may use it beside the caller. */
    @Override
    public boolean concurrent() {
        return true;
    }

    /**
     * A hole: the blocks read as zeros from now on, durable or not (so a volume that gave back a
     * block it still needed, or was still writing, reads zeros there and fails its check).
     */
    @Override
    public synchronized void discard(long first, long count) {
        discarded += count;
        for (long k : List.copyOf(durable.keySet())) if (k >= first && k < first + count) durable.put(k, new byte[BLOCK_SIZE]);
        pending.replaceAll(e -> e.getKey() >= first && e.getKey() < first + count ? Map.entry(e.getKey(), new byte[BLOCK_SIZE]) : e);
    }

    /** Cut: every block from {@code blocks} on is gone, durable or not. */
    @Override
    public synchronized void shrink(long blocks) {
        durable.keySet().removeIf(k -> k >= blocks);
        pending.removeIf(e -> e.getKey() >= blocks);
    }

    @Override
    public long blocks() {
        return size();
    }

    @Override
    public String name() {
        return "mem";
    }

    synchronized MemStore afterCrash(Crash how) {
        MemStore m = new MemStore();
        durable.forEach((k, v) -> m.durable.put(k, v.clone()));
        for (int i = 0; i < pending.size(); i++) {
            var e = pending.get(i);
            boolean apply = switch (how) {
                case NONE_UNSYNCED -> false;
                case ALL_UNSYNCED, TORN_LAST -> true;
                case ALTERNATE_UNSYNCED -> i % 2 == 0;
                case LAST_ONLY -> i == pending.size() - 1;
            };
            if (!apply) continue;
            byte[] v = e.getValue().clone();
            if (how == Crash.TORN_LAST && i == pending.size() - 1) {
                byte[] old = m.durable.getOrDefault(e.getKey(), new byte[BLOCK_SIZE]);
                System.arraycopy(old, BLOCK_SIZE / 2, v, BLOCK_SIZE / 2, BLOCK_SIZE / 2);
            }
            m.durable.put(e.getKey(), v);
        }
        return m;
    }

    /** A copy of what is on the disk now (synced and not), as a whole-volume backup would be. */
    MemStore copy() {
        MemStore m = afterCrash(Crash.ALL_UNSYNCED);
        return m;
    }

    synchronized long size() {
        long max = -1;
        for (long k : durable.keySet()) max = Math.max(max, k);
        for (var e : pending) max = Math.max(max, e.getKey());
        return max + 1;
    }
}
