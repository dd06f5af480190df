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
import java.util.Base64;

/**
 * {@link Replication} through the cluster: each replicated volume is named, and its sealed blocks
 * (ciphertext: nodes never hold a volume key) are in the replicated state
 * ({@link ClusterStateMachine}). Attaching a local copy opens the volume for writing (a new epoch,
 * which fences the previous writer), then brings the copy up to the cluster's blocks: the SHA-256
 * of every block is compared and only the blocks that differ are fetched, so an up-to-date copy
 * costs a hash per block and a lost or stale one is rebuilt; a copy whose note ({@link CopyMark})
 * says which state of the cluster it matched compares only the blocks written since. A volume the
 * cluster does not hold is sent to it whole from the local copy (again, when a first sending was
 * cut short).
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
            boolean toSend = toSend(name, local, -1); // before the open, which would fence the volume's writer
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
                seed(name, local, store, 0, epoch);
            } else if (toSend && toSend(name, local, epoch)) {
                seed(name, local, store, size, epoch); // a first sending cut short: blocks but no superblock in the cluster
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

    /**
     * The cluster holds no volume under the name: the local copy is sent to it whole, the volume
     * it holds (mounted before without replication) or nothing (a new one). The blocks go as a
     * large write's do (sent ahead once {@link ReplicatedBlockStore#SEND_AHEAD} wait, so memory
     * holds no more than that), the superblock's two slots last, so that until the last entry the
     * cluster holds no volume, only blocks nothing refers to. A sending cut short (a crash, a lost
     * quorum) leaves it so, and the next mount of the copy sends what the cluster lacks or holds
     * otherwise: the hashes of the cluster's {@code size} blocks are compared first ({@code size}
     * 0: nothing to compare).
     */
    private void seed(String name, BlockStore local, ReplicatedBlockStore store, long size, long epoch) throws ClusterException, ErrnoException {
        final int bs = BlockStore.BLOCK_SIZE;
        byte[] run = new byte[Command.MAX_BLOCKS * bs];
        MessageDigest sha = ClusterStateMachine.sha256();
        byte[][] slots = new byte[2][];
        for (long from = 0; ; from += Command.MAX_BLOCKS) {
            int have = local.readRun(from, Command.MAX_BLOCKS, run, 0);
            if (have <= 0) break;
            JsonNode hashes = null;
            if (from < size) {
                hashes = client.readJsonHere(Command.hashes(name, from, have), epoch).path("hashes");
                if (!hashes.isArray() || hashes.size() > have) throw new ClusterException("hashes: the reply lists more hashes than were asked for");
            }
            for (int k = 0; k < have; k++) {
                long block = from + k;
                byte[] b = java.util.Arrays.copyOfRange(run, k * bs, (k + 1) * bs);
                if (block < 2) {
                    slots[(int) block] = b; // sent last
                    continue;
                }
                if (hashes != null && k < hashes.size() && hashes.get(k).isTextual() && MessageDigest.isEqual(decode(hashes.get(k), block), sha.digest(b))) continue; // the cluster has it
                store.resend(block, b);
                store.syncBehind();
            }
            if (have < Command.MAX_BLOCKS) break;
        }
        for (int i = 0; i < 2; i++) if (slots[i] != null) store.resend(i, slots[i]);
        store.sync();
    }

    /** A block's hash in a "hashes" reply. */
    private static byte[] decode(JsonNode hash, long block) throws ClusterException {
        try {
            return Base64.getDecoder().decode(hash.asText());
        } catch (IllegalArgumentException e) {
            throw new ClusterException("hashes: block " + block + "'s hash is not base64");
        }
    }

    /**
     * Whether the local copy holds a volume and the cluster none under {@code name} (read at log
     * index {@code epoch} or later; -1: any), so the copy is to be sent. Refuses a local copy of
     * another volume than the one the cluster keeps under the name.
     */
    private boolean toSend(String name, BlockStore local, long epoch) throws ErrnoException {
        byte[] ours = EncFs.volumeId(local);
        if (ours == null) return false;
        byte[] theirs = EncFs.volumeId(new RemoteSuperblocks(name, local.name(), epoch));
        if (theirs != null && !MessageDigest.isEqual(ours, theirs)) {
            throw Errno.EEXIST.fail(local.name() + " holds another volume than the cluster's replicated volume " + name
                    + " (left as it is: give another file, or another name)");
        }
        return theirs == null;
    }

    /**
     * Which blocks of the local copy are not the cluster's: the hashes of the cluster's blocks,
     * compared with the local copy's a run at a time. They are read from the node this client
     * entered through (for a service or a resident run, its own node's copy), from its state at the
     * open ({@code epoch}, the open's log index) or later: the open fenced every other writer, so no
     * later entry changes these blocks ({@link ClusterClient#readHere(Command, long)}).
     *
     * <p>When the copy's note ({@link CopyMark}) says it matched the cluster's state at log index
     * X, only the blocks written after X are compared (the node gives no hash for the others);
     * otherwise every block is. Blocks past the copy's end (all of them, for a copy new on this
     * node) are not compared: the cluster has them and the copy does not. None is fetched here: the
     * store fetches each when it is first read, and the rest in the background
     * ({@link ReplicatedBlockStore#fetchLater}), so a stale or new copy mounts at once. When none
     * differs, the copy (synced) matches the cluster's state at the open, and its note says so.
     */
    private java.util.BitSet pull(String name, BlockStore local, long size, long epoch, CopyMark mark) throws ClusterException, ErrnoException {
        final int bs = BlockStore.BLOCK_SIZE;
        long localBlocks = local.blocks(); // -1: the store cannot tell, every block is compared
        long since = mark == null || localBlocks < 0 ? -1 : mark.since(local, epoch);
        byte[] mine = new byte[Command.MAX_BLOCKS * bs];
        MessageDigest sha = ClusterStateMachine.sha256();
        java.util.BitSet missing = new java.util.BitSet(); // bounded by the cluster's bound for a volume, far below 2^31 blocks
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
                    missing.set((int) block);
                    continue;
                }
                if (unchanged) {
                    if (since < 0) throw new ClusterException("hashes: block " + block + " has no hash, though every hash was asked for");
                    continue; // not written since the copy matched: it holds it
                }
                want[j] = decode(h, block);
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
                    missing.set((int) (from + j + k));
                }
                j += run;
            }
        }
        if (mark != null && missing.isEmpty()) {
            local.sync(); // before the note says the copy is durable at the open (writes of an earlier mount may still be in the page cache)
            mark.matched(epoch, local, true);
        }
        return missing;
    }

    /** The cluster's two superblock slots as a read-only store, to name the volume it holds. */
    private final class RemoteSuperblocks implements BlockStore {
        private final String name;
        private final String localName;
        private final long epoch;
        private byte[][] slots; // both, fetched in one read on first use (naming a volume reads each twice)

        RemoteSuperblocks(String name, String localName, long epoch) {
            this.name = name;
            this.localName = localName;
            this.epoch = epoch;
        }

        @Override
        public boolean read(long index, byte[] dst) throws ErrnoException {
            if (index > 1) return false;
            try {
                if (slots == null) slots = Command.readReply(epoch < 0 ? client.readHere(Command.readFramed(name, 0, 2)) : client.readHere(Command.readFramed(name, 0, 2), epoch), 0, 2).blocks();
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
