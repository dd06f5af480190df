package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.Replication;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@link Replication} through the cluster: each replicated volume is named, and its sealed blocks
 * (ciphertext: nodes never hold a volume key) are in the replicated state
 * ({@link ClusterStateMachine}). Attaching a local copy opens the volume for writing (a new epoch,
 * which fences the previous writer), then brings the copy up to the cluster's blocks: the SHA-256
 * of every block is compared and only the blocks that differ are fetched, so an up-to-date copy
 * costs a hash per block and a lost or stale one is rebuilt; a copy whose note ({@link CopyMark})
 * says which state of the cluster it matched compares only the blocks written since. A volume the cluster has never seen
 * is given to it whole from the local copy.
 *
 * <p>Whatever the copy holds is still checked by the volume itself when it mounts (MACs, Merkle
 * tree, the cluster's committed version): a node or host that serves wrong blocks is caught there.
 */
public final class ReplicatedVolumes implements Replication {
    private final ClusterClient client;
    private final String service; // null: volumes of 'arca run --replicate'
    private final long generation;
    private final Freshness record; // the cluster's record of versions through the same client: a commit advances it with its blocks

    /**
     * The volumes of generation {@code generation} of service {@code service}: each is named
     * SERVICE.FILE in the cluster, and opening one is refused unless the service is still placed in
     * that generation; once it is placed again, its writes are refused.
     */
    ReplicatedVolumes(ClusterClient client, String service, long generation, Freshness record) {
        this.client = client;
        this.record = record;
        this.service = service;
        this.generation = generation;
    }

    @Override
    public BlockStore attach(String file, byte[] token, BlockStore local, Path localFile) throws ErrnoException {
        String name = service == null ? file : service + "." + file;
        try {
            Command.checkName(name);
        } catch (ClusterException e) {
            throw Errno.EINVAL.fail(e.getMessage());
        }
        CopyMark mark = null;
        try {
            sameVolume(name, local); // before the open, which would fence the volume's writer
            JsonNode opened;
            try {
                opened = client.write(service == null ? Command.open(name, token) : Command.open(name, token, service, generation));
            } catch (ClusterException e) {
                if (e.getMessage().contains("another key's token")) throw Errno.EACCES.fail("replicated volume " + name + ": the cluster keeps it for another key (not opened, nothing changed)");
                throw e;
            }
            long epoch = opened.path("epoch").asLong();
            long size = opened.path("size").asLong();
            mark = localFile == null ? null : CopyMark.open(client.host(), localFile, client.groupName(), name);
            ReplicatedBlockStore store = new ReplicatedBlockStore(local, client, name, token, epoch, record, mark);
            if (size == 0) {
                seed(local, store);
            } else {
                store.fetchLater(pull(name, local, size, epoch, mark));
            }
            return store;
        } catch (ClusterException e) {
            if (mark != null) mark.close();
            throw Errno.EIO.fail("replicated volume " + name + ": " + e.getMessage());
        } catch (ErrnoException | RuntimeException e) {
            if (mark != null) mark.close();
            throw e;
        }
    }

    /** The cluster has no blocks of the volume: every block of the local copy is sent. */
    private static void seed(BlockStore local, ReplicatedBlockStore store) throws ErrnoException {
        byte[] b = new byte[BlockStore.BLOCK_SIZE];
        for (long i = 0; local.read(i, b); i++) store.resend(i, b.clone());
        store.sync();
    }

    /** Refuses a local copy of another volume than the one the cluster keeps under {@code name}. */
    private void sameVolume(String name, BlockStore local) throws ErrnoException {
        byte[] ours = EncFs.volumeId(local);
        if (ours == null) return;
        byte[] theirs = EncFs.volumeId(new RemoteSuperblocks(name, local.name()));
        if (theirs != null && !MessageDigest.isEqual(ours, theirs)) {
            throw Errno.EEXIST.fail(local.name() + " holds another volume than the cluster's replicated volume " + name
                    + " (left as it is: give another file, or another name)");
        }
    }

    /**
     * Brings the local copy to the cluster's blocks: the hashes of the cluster's blocks, compared
     * with the local copy's a run at a time, then the blocks that differ, a run at a time, each
     * written with one host write. Both are read from the node this client entered through (for a
     * service or a resident run, its own node's copy), from its state at the open ({@code epoch},
     * the open's log index) or later: the open fenced every other writer, so no later entry
     * changes these blocks ({@link ClusterClient#readHere(Command, long)}).
     *
     * <p>When the copy's note ({@link CopyMark}) says it matched the cluster's state at log index
     * X, only the blocks written after X are compared (the node gives no hash for the others);
     * otherwise every block is. Blocks past the copy's end (all of them, for a copy new on this
     * node) are not compared nor fetched here: they are returned, and the store fetches them when
     * they are first read and in the background ({@link ReplicatedBlockStore#fetchLater}).
     */
    private java.util.BitSet pull(String name, BlockStore local, long size, long epoch, CopyMark mark) throws ClusterException, ErrnoException {
        final int bs = BlockStore.BLOCK_SIZE;
        long localBlocks = local.blocks(); // -1: the store cannot tell, every block is compared
        long since = mark == null || localBlocks < 0 ? -1 : mark.since(local, epoch);
        byte[] mine = new byte[Command.MAX_BLOCKS * bs];
        java.security.MessageDigest sha = ClusterStateMachine.sha256();
        List<Long> differ = new ArrayList<>();
        java.util.BitSet missing = new java.util.BitSet();
        for (long from = 0; from < size; from += Command.MAX_HASHES) {
            int count = (int) Math.min(Command.MAX_HASHES, size - from);
            boolean past = localBlocks >= 0 && from >= localBlocks; // only which blocks the cluster has: none are compared
            Command query = past ? Command.hashes(name, from, count, Long.MAX_VALUE) : since < 0 ? Command.hashes(name, from, count) : Command.hashes(name, from, count, since);
            JsonNode hashes = client.readJsonHere(query, epoch).path("hashes");
            if (!hashes.isArray() || hashes.size() > count) throw new ClusterException("hashes: the reply lists more hashes than were asked for");
            byte[][] want = new byte[hashes.size()][];
            for (int j = 0; j < want.length; j++) {
                JsonNode h = hashes.get(j);
                long block = from + j;
                if (h.isNull()) continue; // a hole in the cluster's copy: nothing committed refers to it
                boolean unchanged = h.isBoolean() && !h.asBoolean();
                if (!unchanged && !h.isTextual()) throw new ClusterException("hashes: block " + block + "'s entry is neither a hash nor null");
                if (localBlocks >= 0 && block >= localBlocks) {
                    missing.set((int) block); // bounded by the cluster's bound for a volume, far below 2^31 blocks
                    continue;
                }
                if (unchanged) {
                    if (since < 0) throw new ClusterException("hashes: block " + block + " has no hash, though every hash was asked for");
                    continue; // not written since the copy matched: it holds it
                }
                try {
                    want[j] = Base64.getDecoder().decode(h.asText());
                } catch (IllegalArgumentException e) {
                    throw new ClusterException("hashes: block " + block + "'s hash is not base64");
                }
            }
            // the local copy's blocks with a hash to compare, a run of neighbours at a time
            for (int j = 0; j < want.length; ) {
                if (want[j] == null) {
                    j++;
                    continue;
                }
                int run = 1;
                while (j + run < want.length && run < Command.MAX_BLOCKS && want[j + run] != null) run++;
                int have = local.readRun(from + j, run, mine, 0); // blocks past the local copy's end differ
                for (int k = 0; k < run; k++) {
                    if (k < have) {
                        sha.update(mine, k * bs, bs);
                        if (MessageDigest.isEqual(want[j + k], sha.digest())) continue;
                    }
                    differ.add(from + j + k);
                }
                j += run;
            }
        }
        if (!differ.isEmpty() && mark != null) mark.invalidate(); // until the copy is whole again (a crash halfway must not leave a note that matches)
        // fetch the differing blocks a run at a time
        int k = 0;
        while (k < differ.size()) {
            long from = differ.get(k);
            int count = 1;
            while (k + count < differ.size() && count < Command.MAX_BLOCKS && differ.get(k + count) == from + count) count++;
            byte[][] blocks = Command.readReply(client.readHere(Command.readFramed(name, from, count), epoch), from, count).blocks();
            for (int j = 0; j < count; j++) {
                if (blocks[j] == null) throw new ClusterException("block " + (from + j) + " vanished while it was fetched");
                System.arraycopy(blocks[j], 0, mine, j * bs, bs);
            }
            local.writeRun(from, count, mine, 0);
            k += count;
        }
        local.sync(); // before the note says the copy is durable at the open (writes of an earlier mount may still be in the page cache)
        if (mark != null && missing.isEmpty()) mark.matched(epoch, local, true);
        return missing;
    }

    /** The cluster's two superblock slots as a read-only store, to name the volume it holds. */
    private final class RemoteSuperblocks implements BlockStore {
        private final String name;
        private final String localName;
        private byte[][] slots; // both, fetched in one read on first use (naming a volume reads each twice)

        RemoteSuperblocks(String name, String localName) {
            this.name = name;
            this.localName = localName;
        }

        @Override
        public boolean read(long index, byte[] dst) throws ErrnoException {
            if (index > 1) return false;
            try {
                if (slots == null) slots = Command.readReply(client.readHere(Command.readFramed(name, 0, 2)), 0, 2).blocks();
                byte[] one = slots[(int) index];
                if (one == null) return false;
                System.arraycopy(one, 0, dst, 0, BLOCK_SIZE);
                return true;
            } catch (ClusterException e) {
                throw Errno.EIO.fail("replicated volume " + name + ": " + e.getMessage());
            }
        }

        @Override
        public void write(long index, byte[] src) throws ErrnoException {
            throw Errno.EROFS.fail("read-only");
        }

        @Override
        public void sync() {}

        @Override
        public String name() {
            return localName + " (the cluster's copy)";
        }
    }
}
