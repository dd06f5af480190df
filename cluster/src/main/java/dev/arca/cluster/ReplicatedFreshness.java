package dev.arca.cluster;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.Replication;
import java.io.IOException;
import java.util.HexFormat;

/**
 * {@link Freshness} from the cluster: each volume's committed version is in the replicated state
 * ({@link ClusterStateMachine}), read linearizably and advanced through the Raft log. A host that
 * hands a node an older copy of a volume (an older disk image, a restored backup, a replayed
 * snapshot of the node's own directory) is refused at mount, whatever that host's local state
 * says, as long as a majority of the cluster's nodes keep their logs (docs/cluster.md).
 *
 * <p>When the cluster cannot be reached, {@code known} fails with EIO and the volume is not
 * mounted: mounting without the check would be exactly the rollback it exists to catch.
 */
public final class ReplicatedFreshness implements Freshness, AutoCloseable {
    private final ClusterClient client;

    public ReplicatedFreshness(ClusterClient client) {
        this.client = client;
    }

    @Override
    public long known(byte[] volumeId) throws ErrnoException {
        try {
            return client.read(Command.read(HexFormat.of().formatHex(volumeId))).path("version").asLong(-1);
        } catch (ClusterException e) {
            throw Errno.EIO.fail("the cluster cannot say which version of the volume is committed: " + e.getMessage());
        }
    }

    @Override
    public void advance(byte[] volumeId, long version) throws ErrnoException {
        long now;
        try {
            now = client.write(Command.advance(HexFormat.of().formatHex(volumeId), version)).path("version").asLong(-1);
        } catch (ClusterException e) {
            throw Errno.EIO.fail("the cluster did not record the volume's version " + version + ": " + e.getMessage());
        }
        recorded(now, version);
    }

    /** Refuses a reply in which the cluster's record of the volume is below {@code version} (EIO). */
    static void recorded(long now, long version) throws ErrnoException {
        if (now < version) throw Errno.EIO.fail("the cluster recorded version " + now + " for the volume, not " + version);
    }

    /** Keeps the connection to every member open (see {@link ClusterClient#warm}). */
    public void warm(long millis) {
        client.warm(millis);
    }

    /** The cluster's replicated volumes, through the same connection. */
    public Replication replication() {
        return new ReplicatedVolumes(client, null, 0, this);
    }

    /** The volumes of a service's generation (docs/cluster.md, "Services"), through the same connection. */
    public Replication replication(String service, long generation) {
        return new ReplicatedVolumes(client, service, generation, this);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
