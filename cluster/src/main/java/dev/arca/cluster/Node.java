package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * An Arca node: one Raft server of the cluster's single group, over gRPC with mutual RA-TLS.
 *
 * <p>Its data directory holds {@code node.json} (the node's id and cluster, written when the node
 * first starts) and {@code raft/} (Ratis's log, metadata and snapshots). A node restarted with its
 * directory recovers its log and vote and rejoins under the same id. A node whose directory is
 * empty and whose id is among {@code peers} starts a new cluster with them (all of them starting
 * alike); one whose id is not among them starts empty and waits to be added ({@code arca cluster
 * add}).
 */
public final class Node implements Closeable {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param id this node's id
     * @param address where it serves Raft (an IPv4 literal and port)
     * @param peers the initial members, id to address (this node included when it is one)
     * @param data the data directory
     * @param cluster the cluster's name (nodes of different names never talk)
     */
    /** A node's settings; {@code snapshotEvery}: log entries between snapshots (the log is purged to each). */
    public record Config(String id, Endpoint address, Map<String, Endpoint> peers, Path data, String cluster, long snapshotEvery) {
        public static final long SNAPSHOT_EVERY = 10_000;

        public Config {
            peers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(peers));
            if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be 1 or more");
        }

        public Config(String id, Endpoint address, Map<String, Endpoint> peers, Path data, String cluster) {
            this(id, address, peers, data, cluster, SNAPSHOT_EVERY);
        }
    }

    /**
     * The nodes running in this JVM, by group, id and address: a cluster client in the same JVM
     * hands them its reads and writes directly ({@link LocalRoute}).
     */
    private static final Map<String, Node> RUNNING = new java.util.concurrent.ConcurrentHashMap<>();

    private static String key(RaftGroupId group, String id, String address) {
        return group + "/" + id + "@" + address;
    }

    /** The Raft server of the node of {@code group} with {@code id} at {@code address} running in this JVM, or null. */
    static org.apache.ratis.protocol.RaftClientAsynchronousProtocol running(RaftGroupId group, RaftPeerId id, String address) {
        Node n = RUNNING.get(key(group, id.toString(), address));
        return n == null ? null : n.server;
    }

    private final Config config;
    private final RaftServer server;
    private final RaftGroupId group;
    private final ClusterStateMachine stateMachine;
    private volatile LeaderWatch watch; // started with the server, see LeaderWatch

    private Node(Config config, RaftServer server, RaftGroupId group, ClusterStateMachine stateMachine) {
        this.config = config;
        this.server = server;
        this.group = group;
        this.stateMachine = stateMachine;
    }

    public static RaftGroupId groupId(String cluster) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("arca-cluster:" + cluster).getBytes(StandardCharsets.UTF_8)));
    }

    /** Parses {@code ID=ADDR:P,...}. */
    public static Map<String, Endpoint> parsePeers(String text) throws ClusterException {
        Map<String, Endpoint> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        for (String item : text.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) throw new ClusterException("--peers: '" + item + "' is not ID=ADDR:PORT");
            String id = NodeId.check(item.substring(0, eq).trim());
            Endpoint e = Endpoint.parse(item.substring(eq + 1).trim(), "--peers " + id + "=");
            if (out.containsKey(id)) throw new ClusterException("--peers names node " + id + " twice");
            if (out.containsValue(e)) throw new ClusterException("--peers gives two nodes the address " + e);
            out.put(id, e);
        }
        return out;
    }

    /** Starts the node; returns once its Raft server runs (it may not have a leader yet). */
    public static Node start(Host host, Config c, Credentials credentials) throws ClusterException {
        return start(host, c, credentials, line -> {});
    }

    /**
     * Starts the node as {@link #start(Host, Config, Credentials)} does; {@code log} gets a line
     * when this node starts an election because its leader crashed ({@link LeaderWatch}).
     */
    public static Node start(Host host, Config c, Credentials credentials, java.util.function.Consumer<String> log) throws ClusterException {
        NodeId.check(c.id());
        Endpoint listed = c.peers().get(c.id());
        if (listed != null && !listed.equals(c.address())) {
            throw new ClusterException("--peers gives node " + c.id() + " the address " + listed + ", not its own " + c.address());
        }
        for (var e : c.peers().entrySet()) {
            if (!e.getKey().equals(c.id()) && e.getValue().equals(c.address())) {
                throw new ClusterException("--peers gives node " + e.getKey() + " this node's own address " + c.address());
            }
        }
        Path raft = c.data().resolve("raft");
        boolean recover = identity(host, c);
        RaftGroupId gid = groupId(c.cluster());
        RaftGroup group;
        if (recover) {
            group = RaftGroup.valueOf(gid); // the log holds the configuration
        } else if (listed != null) {
            List<RaftPeer> peers = new ArrayList<>();
            c.peers().forEach((id, e) -> peers.add(peer(id, e)));
            group = RaftGroup.valueOf(gid, peers);
        } else {
            group = RaftGroup.valueOf(gid); // empty: waits for 'arca cluster add'
        }
        RaftProperties p = properties(c, raft);
        Node[] self = new Node[1];
        AddressBook book = new AddressBook() {
            @Override
            public String idAt(String endpoint) {
                for (RaftPeer peer : known(self[0], c)) if (peer.getAddress().equals(endpoint)) return peer.getId().toString();
                return null;
            }

            @Override
            public String endpointOf(String id) {
                for (RaftPeer peer : known(self[0], c)) if (peer.getId().toString().equals(id)) return peer.getAddress();
                return null;
            }
        };
        try {
            ClusterStateMachine sm = new ClusterStateMachine(host);
            RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf(c.id())).setGroup(group).setProperties(p)
                    .setParameters(credentials.parameters(book)).setStateMachine(sm)
                    .setOption(recover ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT).build();
            self[0] = new Node(c, server, gid, sm);
            server.start();
            self[0].watch = new LeaderWatch(server, gid, host, log).start();
            RUNNING.put(key(gid, c.id(), c.address().toString()), self[0]);
            if (!recover) {
                try (HostFd d = host.openDirectory(c.data())) {
                    host.replaceFile(d, "node.json", JSON.writeValueAsBytes(JSON.createObjectNode().put("id", c.id()).put("cluster", c.cluster())), 0600);
                } catch (ErrnoException e) {
                    throw new IOException("cannot write node.json: " + e.getMessage());
                }
            }
            return self[0];
        } catch (IOException e) {
            throw new ClusterException("node " + c.id() + ": cannot start: " + e.getMessage());
        }
    }

    /** The peers this node knows: its group's configuration once it runs, else the start-up list. */
    private static Collection<RaftPeer> known(Node node, Config c) {
        if (node != null) {
            try {
                return node.server.getDivision(node.group).getRaftConf().getAllPeers();
            } catch (IOException | RuntimeException e) {
                // not started yet: the list it was started with
            }
        }
        List<RaftPeer> out = new ArrayList<>();
        c.peers().forEach((id, e) -> out.add(peer(id, e)));
        return out;
    }

    static RaftPeer peer(String id, Endpoint e) {
        return RaftPeer.newBuilder().setId(id).setAddress(e.toString()).build();
    }

    /** The leader's wait before it tries a failing follower again (see {@link #properties}): 1 ms for 10 tries, then 100 ms. */
    static final String APPENDER_RETRY = "1ms,10, 100ms," + Integer.MAX_VALUE;

    static RaftProperties properties(Config c, Path raft) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, c.address().host());
        GrpcConfigKeys.Server.setPort(p, c.address().port());
        RaftServerConfigKeys.setStorageDir(p, List.of(raft.toFile()));
        // reads through ReadIndex: a deposed leader cannot answer from a stale state
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotEvery());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // the log is purged at every snapshot (Ratis waits for 1,024 entries by default: a GiB of
        // a replicated volume's 1 MiB entries), and two snapshots are kept (the one being taken
        // and the last, which may be being sent; a replicated volume's retired segments go with it)
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, c.snapshotEvery()));
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(300, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(600, java.util.concurrent.TimeUnit.MILLISECONDS));
        // How long the leader waits before it tries a follower again after failed appends. Ratis's
        // default, "1ms,10, 1s,20, 5s,1000", waits 1 s after 10 failures and 5 s after 30: a node
        // that was paused (SIGSTOP), cut off or restarted was left unheard for up to 5 s after it
        // came back (seen: 1.0 s and 3.8 s), running the cluster on a bare majority meanwhile and
        // making the service supervisor take it for dead. At most ~150 ms here (one heartbeat; the
        // sleep is randomized to 50-150%): a try at a dead node is a refused connect, or a request
        // that times out.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY);
        // No metadata entries: by default the leader appends one to its log at every advance of
        // the commit index (so that a node restarted without a majority can apply what was
        // committed), which every node then writes and syncs too: two appends, two replications
        // and two syncs per commit, the second in the way of the next commit (docs/cluster.md,
        // "One log entry per commit"). Nothing here reads a node's state without a majority:
        // reads are linearizable (ReadIndex), the supervisor checks its placements that way, and
        // a restarted node applies its log once a leader tells it the commit index.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        return p;
    }

    /** Whether {@code c.data()} holds this node's state to recover (false: a new or wiped node); checked as {@link #start} checks it. */
    public static boolean recovers(Host host, Config c) throws ClusterException {
        return identity(host, c);
    }

    /**
     * Checks the data directory against the node's id and cluster: true when it holds a node to
     * recover, false when it is new (node.json is written once the server runs). A directory of another node or
     * cluster, or Raft state without node.json, is refused rather than reused.
     */
    private static boolean identity(Host host, Config c) throws ClusterException {
        try (HostFd d = host.openOrCreateDirectory(c.data())) {
            if (host.exists(d, "node.json")) {
                JsonNode n = JSON.readTree(host.readFile(d, "node.json", 4096));
                String id = n == null ? null : n.path("id").asText(null);
                String cluster = n == null ? null : n.path("cluster").asText(null);
                if (id == null || cluster == null) throw new ClusterException(c.data().resolve("node.json") + ": not a node's identity file");
                if (!id.equals(c.id())) throw new ClusterException("--data " + c.data() + " belongs to node " + id + ", not " + c.id());
                if (!cluster.equals(c.cluster())) throw new ClusterException("--data " + c.data() + " belongs to cluster '" + cluster + "', not '" + c.cluster() + "'");
                if (!host.exists(d, "raft")) throw new ClusterException("--data " + c.data() + ": node.json without its raft/ directory");
                return true;
            }
            if (host.exists(d, "raft")) throw new ClusterException("--data " + c.data() + ": raft/ without node.json; refusing to guess whose it is");
            return false;
        } catch (ErrnoException | IOException e) {
            throw new ClusterException("--data " + c.data() + ": " + e.getMessage());
        }
    }


    public String id() {
        return config.id();
    }

    ClusterStateMachine stateMachine() {
        return stateMachine;
    }

    /** Each member's id and Raft address (an IPv4 literal and port), from the configuration this node knows. */
    Map<String, String> addresses() {
        Map<String, String> out = new LinkedHashMap<>();
        for (RaftPeer p : known(this, config)) out.put(p.getId().toString(), p.getAddress());
        return out;
    }

    /**
     * On the leader: each member's milliseconds since it last answered the leader (0 for the
     * leader itself); null when this node does not lead (one read of Ratis's role information).
     */
    java.util.Map<String, Long> followerSilence() {
        try {
            var info = server.getDivision(group).getInfo();
            if (!info.isLeader() || !info.isLeaderReady()) return null;
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            out.put(config.id(), 0L);
            for (var f : info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
                out.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private final org.apache.ratis.protocol.ClientId submitter = org.apache.ratis.protocol.ClientId.randomId();
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A write submitted to this node's own Raft server, for the leader's own decisions (placing a
     * service): no connection and no search for the leader. Through a client, a new leader's first
     * placement went first to the dead leader its client remembered (traced: 100-170 ms from the
     * new leader being ready to the move committed). Fails (not the leader) when this node does
     * not lead; waits at most {@code millis}.
     */
    JsonNode submit(Command c, long millis) throws ClusterException {
        var request = request(c, org.apache.ratis.protocol.RaftClientRequest.writeRequestType());
        try {
            return ClusterClient.reply(server.submitClientRequestAsync(request).get(millis, java.util.concurrent.TimeUnit.MILLISECONDS), c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(c.op() + ": interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClusterException(c.op() + ": not committed within " + millis + " ms");
        } catch (java.util.concurrent.ExecutionException | IOException | RuntimeException e) {
            throw new ClusterException(c.op() + ": " + ClusterClient.reason(e));
        }
    }

    /**
     * A linearizable read through this node's own Raft server, whatever its role (ReadIndex: a
     * follower asks the leader its server knows for the commit index, after the leader has
     * confirmed its leadership with a majority, and answers from its own state once applied that
     * far), asked again every {@value #READ_RETRY_MILLIS} ms while it fails (no leader known yet,
     * an election) for at most {@code millis}. A client would look for the leader itself, and
     * after a failure at the leader Ratis's client asks a member picked at random, which may be
     * cut off (found by tests/cluster/partition.sh: a service's start waited 6 s on a read sent
     * to a member behind a partition, then on closing its connection to it).
     */
    JsonNode read(Command c, long millis) throws ClusterException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            var request = request(c, org.apache.ratis.protocol.RaftClientRequest.readRequestType());
            String why;
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                var r = server.submitClientRequestAsync(request).get(left, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (r.isSuccess()) return ClusterClient.reply(r, c);
                why = r.getException() == null ? "refused" : ClusterClient.reason(r.getException());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException(c.op() + ": interrupted");
            } catch (java.util.concurrent.TimeoutException e) {
                why = "no answer";
            } catch (java.util.concurrent.ExecutionException | IOException | RuntimeException e) {
                why = ClusterClient.reason(e);
            }
            if (System.nanoTime() - deadline + READ_RETRY_MILLIS * 1_000_000 > 0) {
                throw new ClusterException(c.op() + ": no linearizable read within " + millis + " ms (" + why + ")");
            }
            try {
                Thread.sleep(READ_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException(c.op() + ": interrupted");
            }
        }
    }

    private static final long READ_RETRY_MILLIS = 20;

    /**
     * As {@link #read}, asked once and not waited for: the future fails (a {@link ClusterException}
     * as its cause) when the read does, and is never completed by a timeout here (Ratis fails a
     * read its leader does not answer after its request timeout, 3 s).
     */
    java.util.concurrent.CompletableFuture<JsonNode> readOnce(Command c) {
        try {
            return server.submitClientRequestAsync(request(c, org.apache.ratis.protocol.RaftClientRequest.readRequestType())).handle((r, e) -> {
                try {
                    if (e != null) throw new ClusterException(c.op() + ": " + ClusterClient.reason(e));
                    return ClusterClient.reply(r, c);
                } catch (ClusterException | IOException | RuntimeException f) {
                    throw new java.util.concurrent.CompletionException(f instanceof ClusterException ? f : new ClusterException(c.op() + ": " + ClusterClient.reason(f)));
                }
            });
        } catch (IOException | RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(new ClusterException(c.op() + ": " + ClusterClient.reason(e)));
        }
    }

    /** {@code c} as a request from this node to its own server ({@link #submit}, {@link #read}). */
    private org.apache.ratis.protocol.RaftClientRequest request(Command c, org.apache.ratis.protocol.RaftClientRequest.Type type) {
        return org.apache.ratis.protocol.RaftClientRequest.newBuilder().setClientId(submitter).setServerId(server.getId())
                .setGroupId(group).setCallId(submitted.incrementAndGet()).setMessage(ClusterClient.message(c)).setType(type).build();
    }

    public Endpoint address() {
        return config.address();
    }

    @Override
    public void close() throws IOException {
        RUNNING.remove(key(group, config.id(), config.address().toString()), this);
        LeaderWatch w = watch;
        if (w != null) w.close();
        server.close();
    }
}
