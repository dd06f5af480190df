package dev.arca.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import dev.arca.host.Host;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.MultipleLinearRandomRetry;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * A client of the cluster, reached through any one node: status, membership changes, and the
 * replicated state (volume versions). It speaks mutual RA-TLS as a client ({@code CN=arca-client})
 * and learns the node's id from the node's own certificate, so the operator names only an address.
 * Every call gives up after a bounded time with a {@link ClusterException}.
 */
public final class ClusterClient implements Closeable {
    private static final int PROBE_MILLIS = 5_000;
    private static final long LEADER_WAIT_NANOS = 3_000_000_000L;
    private final Host host;
    private final Credentials credentials;
    private final RaftGroupId group;
    private final RaftPeer entry;
    private RaftClient client; // over the entry node and every member it knew at connect time
    private RaftClient here; // over the entry node alone, asked once (no retries): reads addressed to it; made at the first
    private volatile boolean hereDown; // the entry node did not answer a read: reads go to the leader until hereRetryAt
    private volatile long hereRetryAt;
    private boolean closed; // guarded by this
    /** How long reads addressed to an entry node that did not answer go to the leader instead. */
    private static final long HERE_DOWN_NANOS = 5_000_000_000L;
    private List<RaftPeer> peers = List.of(); // those members

    private ClusterClient(Host host, Credentials credentials, RaftGroupId group, RaftPeer entry, RaftClient client) {
        this.host = host;
        this.credentials = credentials;
        this.group = group;
        this.entry = entry;
        this.client = client;
    }

    /** The host this client reaches the network and files through. */
    Host host() {
        return host;
    }

    /** The cluster's Raft group id, as text. */
    String groupName() {
        return group.getUuid().toString();
    }

    /**
     * Connects through the node at {@code node}: a TLS handshake tells its id, checked by
     * attestation; then one Raft client over every member the node knows (requests follow the
     * leader from there, through Ratis's redirects).
     */
    public static ClusterClient connect(Host host, Endpoint node, String cluster, Credentials credentials) throws ClusterException {
        String id = probe(host, node, credentials);
        RaftPeer entry = Node.peer(id, node);
        RaftGroupId gid = Node.groupId(cluster);
        ClusterClient c = new ClusterClient(host, credentials, gid, entry, build(credentials, RaftGroup.valueOf(gid, entry), null));
        List<RaftPeer> all;
        try {
            all = c.withEntry(c.members());
        } catch (ClusterException e) {
            return c; // a node not yet in a configuration (waiting to be added): status still works through it
        }
        if (all.size() > 1) {
            // start from the leader the entry node knows, else the entry node itself: left to pick, Ratis tries the first
            // member, and a member cut off from the majority answers reads with "leader unknown", which it does not
            // redirect on (found by tests/cluster/partition.sh: every read through a majority node hung while n1 was cut off)
            String known = null;
            try {
                known = leaderOf(c.info(entry.getId()).getRoleInfoProto());
            } catch (ClusterException e) {
                // the entry node then
            }
            String leader = known;
            String first = leader != null && all.stream().anyMatch(m -> m.getId().toString().equals(leader)) ? leader : id;
            RaftClient wide = build(credentials, RaftGroup.valueOf(gid, all), RaftPeerId.valueOf(first));
            try {
                c.client.close();
            } catch (IOException e) {
                // nothing was sent through it that needs finishing
            }
            c.client = wide;
            c.peers = List.copyOf(all);
        }
        return c;
    }

    private static final TimeDuration REQUEST_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

    private static RaftClient build(Credentials credentials, RaftGroup group, RaftPeerId leader) throws ClusterException {
        return build(credentials, group, leader, MultipleLinearRandomRetry.parseCommaSeparated("20ms,100,200ms,50"));
    }

    private static RaftClient build(Credentials credentials, RaftGroup group, RaftPeerId leader, org.apache.ratis.retry.RetryPolicy retry) throws ClusterException {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, REQUEST_TIMEOUT);
        // While a new leader is elected (300-600 ms after the old one's last heartbeat), every node
        // answers "not the leader" or cannot be reached, and the new one is found only by asking
        // again: every 20 ms (randomized 10-30 ms) for 100 tries, then every 200 ms for 50 more,
        // each try at most the 3 s timeout when a node does not answer. Measured (docs/cluster.md):
        // with a fixed 100 ms sleep a commit found the new leader 350 ms after it was elected.
        Parameters params = credentials.parameters(AddressBook.EMPTY);
        var id = org.apache.ratis.protocol.ClientId.randomId();
        var rpc = org.apache.ratis.client.ClientFactory.cast(SupportedRpcType.GRPC.newFactory(params)).newRaftClientRpc(id, p);
        RaftClient.Builder b = RaftClient.newBuilder().setProperties(p).setParameters(params).setRaftGroup(group)
                .setClientId(id).setClientRpc(new LocalRoute(new ClosingAside(rpc), Node::running, REQUEST_TIMEOUT))
                .setRetryPolicy(retry);
        if (leader != null) b.setLeaderId(leader);
        return b.build();
    }

    /**
     * Ratis's gRPC client as it is, except that a connection it drops after a failure is closed on a
     * thread of its own, not on the caller's. Ratis 3.3.0 closes it before it asks the next member
     * (RaftClientImpl.handleIOException, then PeerProxyMap.resetProxy), and a gRPC channel to a
     * member that is cut off waits 3 s for a graceful shutdown that cannot come: every call that met
     * a leader cut off paid its 3 s request timeout and then 3 s more before asking the new leader
     * (found by tests/cluster/partition.sh, case 3: a service's fsync on the majority's side took
     * over 6 s, logging "Timed out gracefully shutting down connection" on the guest's thread). The
     * old connection is taken out of use on that thread too (within a moment: the next try goes to
     * another member anyway), and closed there.
     */
    static final class ClosingAside extends ForwardingRpc {
        ClosingAside(org.apache.ratis.client.RaftClientRpc rpc) {
            super(rpc);
        }

        /** As Ratis's (a reset when {@code reconnect} or the failure calls for one), the reset on a virtual thread. */
        @Override
        public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
            if (!reconnect && !org.apache.ratis.util.IOUtils.shouldReconnect(t)) return false;
            Thread.ofVirtual().name("cluster client: closing the connection to " + serverId).start(() -> rpc.handleException(serverId, t, true));
            return true;
        }
    }

    /**
     * The id of the attested node at {@code node}, from its RA-TLS certificate, once the node has
     * accepted this client's. In TLS 1.3 the node checks the client's certificate after it has sent
     * its own, and a client's handshake may end before the node has decided: a refusal reaches the
     * client as an alert (in the handshake or on the first read) or, when the node has closed first,
     * as a broken pipe or a reset on the client's next write (CI met that one: the probe said "cannot
     * reach node ...: Broken pipe" for a node that had refused it). So a failure after the node's
     * certificate passed this client's checks is the node's refusal, and the probe reads once after
     * the handshake: a node that accepts speaks first (gRPC's HTTP/2 server sends its SETTINGS
     * frame), one that refuses sends its alert and closes. A node that says nothing within
     * {@code millis} is taken to have accepted (nothing refused; the calls that follow will tell).
     * Closing the probe's connection cannot fail the probe: its answer is in by then.
     */
    static String probe(Host host, Endpoint node, Credentials credentials) throws ClusterException {
        return probe(host, node, credentials, PROBE_MILLIS);
    }

    static String probe(Host host, Endpoint node, Credentials credentials, int millis) throws ClusterException {
        Answer a = answer(host, node, credentials, millis);
        if (a.refusal() != null) throw new ClusterException(a.refusal());
        return a.id();
    }

    /** Who answered a probe: node {@code id}, which accepted this client, or refused it ({@code refusal}, one line). */
    record Answer(String id, String refusal) {}

    /** The probe's answer; fails only when no attested node answers at {@code node}. */
    static Answer answer(Host host, Endpoint node, Credentials credentials, int millis) throws ClusterException {
        Socket raw;
        try {
            raw = host.connect(new InetSocketAddress(InetAddress.ofLiteral(node.host()), node.port()), millis);
        } catch (IOException e) {
            throw new ClusterException("cannot reach node " + node + ": " + reason(e));
        }
        var trusted = new java.util.concurrent.atomic.AtomicReference<String>(); // the node's id, once its certificate passed the checks
        Socket open = raw;
        boolean handshaken = false;
        try {
            SSLSocket s = (SSLSocket) credentials.sslContext(AddressBook.EMPTY, trusted::set).getSocketFactory().createSocket(raw, node.host(), node.port(), true);
            open = s;
            s.setSoTimeout(millis);
            var params = s.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(params);
            s.startHandshake();
            handshaken = true; // PeerTrust refuses a certificate that names no node: trusted holds the id
            if (s.getInputStream().read() < 0) throw new java.io.EOFException("it closed the connection after the TLS handshake");
            return new Answer(trusted.get(), null);
        } catch (IOException e) {
            String id = trusted.get();
            if (id == null) throw new ClusterException("cannot reach node " + node + ": " + reason(e));
            if (handshaken && e instanceof java.net.SocketTimeoutException) return new Answer(id, null); // silent: nothing refused
            String at = "node " + id + " at " + node + " refused this client";
            if (e instanceof javax.net.ssl.SSLException) return new Answer(id, at + "'s evidence: " + e.getMessage());
            if (e instanceof java.io.EOFException) return new Answer(id, at + ": " + e.getMessage());
            return new Answer(id, at + ": it dropped the connection " + (handshaken ? "after" : "during") + " the TLS handshake (" + reason(e) + ")");
        } finally {
            closeQuietly(open);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException ignored) {
            // a probe's connection: nothing of it is kept
        }
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        if (t instanceof javax.net.ssl.SSLException || (m != null && m.contains("ssl exception"))) {
            m = "TLS handshake failed (the node refused this client's evidence, or this client the node's): " + m;
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The id of the node this client entered by. */
    public String entryId() {
        return entry.getId().toString();
    }

    private GroupInfoReply info(RaftPeerId at) throws ClusterException {
        try {
            GroupInfoReply r = client.getGroupManagementApi(at).info(group);
            if (r == null) throw new ClusterException("node " + at + " is not in cluster group " + group);
            return r;
        } catch (IOException | RuntimeException e) { // gRPC's failures arrive unchecked too
            throw new ClusterException("node " + at + ": " + reason(e));
        }
    }

    /** The leader's id as the entry node knows it, or null. */
    private static String leaderOf(RoleInfoProto role) {
        return switch (role.getRole()) {
            case LEADER -> role.getSelf().getId().toStringUtf8();
            case FOLLOWER -> role.getFollowerInfo().hasLeaderInfo() ? emptyToNull(role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8()) : null;
            default -> null;
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * {@code {"cluster":..., "node":ENTRY, "role":ENTRY'S ROLE, "leader":ID|null, "members":[{"id","address","role"}]}}:
     * the membership as the entry node's configuration says (waiting up to 3 s for it to know a leader).
     */
    public ObjectNode status(String cluster) throws ClusterException {
        GroupInfoReply r = info(entry.getId());
        RoleInfoProto role = r.getRoleInfoProto();
        String leader = leaderOf(role);
        // a node that has just started or lost its leader learns the (new) one within an election timeout
        for (long deadline = System.nanoTime() + LEADER_WAIT_NANOS; leader == null && System.nanoTime() < deadline; ) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = info(entry.getId());
            role = r.getRoleInfoProto();
            leader = leaderOf(role);
        }
        ObjectNode out = Node.JSON.createObjectNode();
        out.put("cluster", cluster);
        out.put("node", entryId());
        out.put("role", role.getRole().name().toLowerCase(java.util.Locale.ROOT));
        if (leader == null) out.putNull("leader"); else out.put("leader", leader);
        ArrayNode members = out.putArray("members");
        var conf = r.getConf().orElse(null);
        if (conf != null) {
            for (RaftPeerProto p : conf.getPeersList()) member(members, p, leader, "follower");
            for (RaftPeerProto p : conf.getListenersList()) member(members, p, leader, "listener");
        }
        return out;
    }

    private static void member(ArrayNode members, RaftPeerProto p, String leader, String role) {
        String id = p.getId().toStringUtf8();
        members.addObject().put("id", id).put("address", p.getAddress()).put("role", id.equals(leader) ? "leader" : role);
    }

    /** The members of the committed configuration, as the entry node knows it. */
    private List<RaftPeer> members() throws ClusterException {
        var conf = info(entry.getId()).getConf().orElseThrow(() -> new ClusterException("node " + entryId() + " has no configuration yet"));
        List<RaftPeer> out = new ArrayList<>();
        for (RaftPeerProto p : conf.getPeersList()) out.add(Node.peer(p.getId().toStringUtf8(), endpoint(p.getAddress())));
        return out;
    }

    private static Endpoint endpoint(String address) throws ClusterException {
        return Endpoint.parse(address, "member address");
    }

    /** Adds node {@code id} at {@code address} (already started, empty, with the same cluster name). */
    public void add(String id, Endpoint address) throws ClusterException {
        NodeId.check(id);
        List<RaftPeer> peers = members();
        for (RaftPeer p : peers) {
            if (p.getId().toString().equals(id)) throw new ClusterException("node " + id + " is already a member (at " + p.getAddress() + ")");
            if (p.getAddress().equals(address.toString())) throw new ClusterException("node " + p.getId() + " is already a member at " + address);
        }
        String seen = probe(host, address, credentials);
        if (!seen.equals(id)) throw new ClusterException(address + " is node " + seen + ", not " + id);
        peers.add(Node.peer(id, address));
        setConfiguration(peers, "add node " + id);
    }

    /** Whether node {@code id} is a member of the committed configuration. */
    public boolean isMember(String id) throws ClusterException {
        return members().stream().anyMatch(p -> p.getId().toString().equals(id));
    }

    /**
     * The first step of a wiped node's return under its own id ({@code arca node start --join}),
     * called before a server with an empty state runs under that id: when the configuration still
     * has member {@code id}, that membership is removed, because the node it names has lost its log
     * and the votes it cast, and a member that forgets a vote can vote twice in one term. Refused
     * when a member of that id answers at its address (it is not wiped: two nodes would share an id)
     * or when {@code address} is another member's. Returns whether a membership was removed; the
     * node is then added anew ({@link #add}) and catches up from a snapshot.
     */
    public boolean forgetWiped(String id, Endpoint address) throws ClusterException {
        NodeId.check(id);
        RaftPeer old = null;
        for (RaftPeer p : members()) {
            if (p.getId().toString().equals(id)) old = p;
            else if (p.getAddress().equals(address.toString())) throw new ClusterException("node " + p.getId() + " is a member at " + address + ": node " + id + " cannot join there");
        }
        if (old == null) return false;
        String answers = null;
        try {
            answers = answer(host, endpoint(old.getAddress()), credentials, PROBE_MILLIS).id(); // a node that refuses this client answers too
        } catch (ClusterException down) {
            // nothing answers there as a node: down, as a wiped node is
        }
        if (answers != null) {
            throw new ClusterException("node " + id + " is a member at " + old.getAddress() + " and node " + answers + " answers there: "
                    + id + " is not wiped (stop that node first, or start this one with another id)");
        }
        remove(id);
        return true;
    }

    /** Removes node {@code id} from the configuration (it stops taking part; stop its process afterwards). */
    public void remove(String id) throws ClusterException {
        List<RaftPeer> peers = members();
        if (peers.stream().noneMatch(p -> p.getId().toString().equals(id))) throw new ClusterException("node " + id + " is not a member");
        if (peers.size() == 1) throw new ClusterException("node " + id + " is the last member; a cluster cannot be empty");
        peers.removeIf(p -> p.getId().toString().equals(id));
        setConfiguration(peers, "remove node " + id);
    }

    /**
     * Hands leadership to member {@code id} (before the leader's host is taken down for maintenance,
     * say); returns once it leads, or fails after {@code millis}. While the handover runs the leader
     * refuses new requests (callers of this class ask again, see {@link #LEADER_CHANGE_MILLIS}).
     */
    public void lead(String id, long millis) throws ClusterException {
        if (millis < 1 || millis > MAX_LEAD_MILLIS) throw new IllegalArgumentException("a handover of " + millis + " ms");
        if (members().stream().noneMatch(p -> p.getId().toString().equals(id))) throw new ClusterException("node " + id + " is not a member");
        try {
            RaftClientReply r = client.admin().transferLeadership(RaftPeerId.valueOf(id), millis);
            if (!r.isSuccess()) throw new ClusterException("leadership to node " + id + ": " + (r.getException() == null ? "refused" : reason(r.getException())));
        } catch (IOException | RuntimeException e) {
            throw new ClusterException("leadership to node " + id + ": " + reason(e));
        }
    }

    private void setConfiguration(List<RaftPeer> peers, String what) throws ClusterException {
        try {
            RaftClientReply r = client.admin().setConfiguration(peers);
            if (!r.isSuccess()) throw new ClusterException(what + ": " + (r.getException() == null ? "refused" : reason(r.getException())));
        } catch (IOException | RuntimeException e) {
            throw new ClusterException(what + ": " + reason(e));
        }
    }

    private List<RaftPeer> withEntry(List<RaftPeer> peers) {
        List<RaftPeer> all = new ArrayList<>(peers);
        if (all.stream().noneMatch(p -> p.getId().equals(entry.getId()))) all.add(entry);
        return all;
    }

    /**
     * Sends a service's module to the cluster in parts (skipped when the cluster has it); returns
     * its name, the SHA-256 in hex.
     */
    public String sendModule(byte[] module) throws ClusterException {
        String hash = java.util.HexFormat.of().formatHex(ClusterStateMachine.sha256(module));
        for (int offset = 0; offset < module.length; ) {
            int n = Math.min(Command.MODULE_PART, module.length - offset);
            long have = write(Command.modulePart(hash, offset, module.length, java.util.Arrays.copyOfRange(module, offset, offset + n))).path("have").asLong();
            if (have == module.length) break; // complete, or there already
            if (have != offset + n) throw new ClusterException("module: the cluster holds " + have + " bytes after a part ending at " + (offset + n));
            offset += n;
        }
        return hash;
    }

    /** Creates or replaces service {@code name}; returns its generation. */
    public long deploy(String name, ServiceSpec spec) throws ClusterException {
        return write(Command.deploy(Command.checkName(name), spec)).path("generation").asLong();
    }

    /** Runs service {@code name} on member {@code node} from now on (expect: its generation, or 0 for any). */
    public long place(String name, String node, long expect) throws ClusterException {
        if (members().stream().noneMatch(p -> p.getId().toString().equals(node))) throw new ClusterException("node " + node + " is not a member");
        return write(Command.place(Command.checkName(name), node, expect)).path("generation").asLong();
    }

    /** Stops service {@code name} wherever it runs (its record, module and volumes stay: 'move' starts it again). */
    public long stop(String name) throws ClusterException {
        return write(Command.stop(Command.checkName(name))).path("generation").asLong();
    }

    /** What the node running generation {@code generation} says of it; false when the service has moved on. */
    boolean report(String name, String node, long generation, String state, int exit, String reason) throws ClusterException {
        return write(Command.report(name, node, generation, state, exit, reason)).path("current").asBoolean();
    }

    /** Every service's record, read linearizably: {@code [{"name","node","state","generation",...}]}. */
    public JsonNode services() throws ClusterException {
        return read(Command.services()).path("services");
    }

    /**
     * Opens, or keeps open, this client's connection to every member it knows, waiting at most
     * {@code millis}: a request that follows a new leader then pays no TLS handshake (measured: the
     * first request of a standby's client took 110-180 ms, the next ones 5-30). Each member gets a
     * stale read, answered from its own state and otherwise ignored; a member that is down is simply
     * tried again next time.
     */
    public void warm(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        Message query = message(Command.services());
        List<java.util.concurrent.CompletableFuture<RaftClientReply>> sent = new ArrayList<>();
        for (RaftPeer p : peers) sent.add(client.async().sendStaleRead(query, 0, p.getId()));
        for (var f : sent) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                f.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Requests this client handed to a node running in this JVM without a connection ({@link LocalRoute}). */
    long localRequests() {
        return ((LocalRoute) client.getClientRpc()).localRequests();
    }

    /** A write through the log; the reply's JSON. */
    JsonNode write(Command c) throws ClusterException {
        return call(c, false);
    }

    /** A linearizable read (ReadIndex, on the leader). */
    JsonNode read(Command c) throws ClusterException {
        return call(c, true);
    }

    /**
     * How long a request is asked again while leadership changes hands. Ratis's client follows a
     * new leader by itself (NotLeader, LeaderNotReady), but gives up at once when the leader refuses
     * because it is handing leadership over (LeaderSteppingDown) or loses it during a read
     * (ReadIndex): seen, a service whose new copy opened its volume during a handover stayed
     * exited ("cannot start: ... stepping down"). Both refusals come before the request is appended
     * to the log, so asking again cannot apply it twice. Counted from the first such refusal, and
     * longer than the longest handover Arca asks for ({@link #MAX_LEAD_MILLIS}) and an election
     * after it: counted from the call's start, 5 s, a service's new copy whose volume open began
     * before a 3 s handover reached the leader failed to start (tests/cluster/services.sh, once in
     * a fresh-clone run: the open gave up 6 s after the start began, still refused).
     */
    static final long LEADER_CHANGE_MILLIS = 12_000;

    /** The longest handover {@link #lead} asks for: the leader refuses every write meanwhile. */
    public static final long MAX_LEAD_MILLIS = 10_000;
    private static final long LEADER_CHANGE_SLEEP_MILLIS = 20;

    /** A command as Ratis carries it (to a leader through this client, or to a node's own server: {@link Node#submit}). */
    static Message message(Command c) {
        return Message.valueOf(ByteString.copyFrom(c.bytes()));
    }

    /**
     * A linearizable read answered by the node this client entered through, whatever its role
     * (ReadIndex: a follower asks the leader how far to apply, then answers from its own copy), and
     * through {@link LocalRoute} without a connection when that node runs in this JVM: a service or
     * resident run pulling its replicated volume reads its own node's blocks instead of having the
     * leader send them over TLS. When that node cannot answer (it has no leader to ask: an election,
     * or it is cut off), the read goes to the leader as any other. The reply's bytes, as the state
     * machine gave them.
     */
    byte[] readHere(Command c) throws ClusterException {
        RaftClientReply r = null;
        if (hereUp()) {
            try {
                r = here().io().sendReadOnly(message(c), entry.getId());
            } catch (IOException | RuntimeException e) {
                hereFailed(e); // asked of the leader below
            }
        }
        if (r == null || !r.isSuccess()) r = send(c, true, null);
        if (!r.isSuccess()) throw new ClusterException(c.op() + ": " + (r.getException() == null ? "refused" : reason(r.getException())));
        return r.getMessage().getContent().toByteArray();
    }

    /**
     * As {@link #readHere}, from the state at log index {@code minIndex} or later, which is enough
     * when nothing after that index can change what is read (the blocks of a volume this client
     * opened at {@code minIndex}: every other writer is fenced from there on). The node this client
     * entered through answers from what it has applied, waiting until it has applied that far but
     * without asking the leader anything (a ReadIndex round trip per read made a follower's pull of
     * a volume twice as slow as the leader's); when it has not yet heard that the index is
     * committed, the read is linearizable as {@link #readHere}'s.
     */
    byte[] readHere(Command c, long minIndex) throws ClusterException {
        if (hereUp()) {
            try {
                RaftClientReply r = here().io().sendStaleRead(message(c), minIndex, entry.getId());
                if (r.isSuccess()) return r.getMessage().getContent().toByteArray();
            } catch (IOException | RuntimeException e) {
                hereFailed(e); // a linearizable read then
            }
        }
        return readHere(c);
    }

    /** As {@link #readHere(Command, long)}, for a read answered in JSON: the reply's JSON. */
    JsonNode readJsonHere(Command c, long minIndex) throws ClusterException {
        return json(readHere(c, minIndex), c);
    }

    /**
     * The client for reads addressed to the entry node: asked once, so that when that node is
     * down (a remote entry killed while a volume is read from it) the read goes to the leader at
     * once; through {@link #client}'s retries it waited for every retry, a run read from a killed
     * entry node hung (tests/cluster/replicated.sh).
     */
    private boolean hereUp() {
        return !hereDown || System.nanoTime() - hereRetryAt >= 0;
    }

    /** A read addressed to the entry node failed: unless the node answered (a refusal, which Ratis gives as a RaftException), it is skipped for a while. */
    private void hereFailed(Exception e) {
        if (e instanceof org.apache.ratis.protocol.exceptions.RaftException) return;
        hereRetryAt = System.nanoTime() + HERE_DOWN_NANOS;
        hereDown = true;
    }

    private synchronized RaftClient here() throws ClusterException {
        if (closed) throw new ClusterException("the connection to the cluster is closed");
        if (here == null) here = build(credentials, RaftGroup.valueOf(group, entry), entry.getId(), org.apache.ratis.retry.RetryPolicies.noRetry());
        return here;
    }

    private JsonNode call(Command c, boolean readOnly) throws ClusterException {
        try {
            return reply(send(c, readOnly, null), c);
        } catch (IOException e) {
            throw new ClusterException(c.op() + ": " + reason(e));
        }
    }

    /** Sends {@code c} (a read-only one to {@code at}, or to the leader when null), asked again while leadership changes hands. */
    private RaftClientReply send(Command c, boolean readOnly, RaftPeerId at) throws ClusterException {
        Message m = message(c);
        long deadline = 0; // set at the first refusal that says leadership is changing hands
        boolean refused = false;
        while (true) {
            try {
                RaftClientReply r = !readOnly ? client.io().send(m) : at == null ? client.io().sendReadOnly(m) : client.io().sendReadOnly(m, at);
                if (r.isSuccess() || !leaderChanging(r.getException(), readOnly) || (refused && System.nanoTime() - deadline > 0)) return r;
            } catch (IOException | RuntimeException e) {
                if (!leaderChanging(e, readOnly) || (refused && System.nanoTime() - deadline > 0)) throw new ClusterException(c.op() + ": " + reason(e));
            }
            if (!refused) {
                refused = true;
                deadline = System.nanoTime() + LEADER_CHANGE_MILLIS * 1_000_000;
            }
            try {
                Thread.sleep(LEADER_CHANGE_SLEEP_MILLIS); // a handover or an election ends within tens of ms of its start on loopback
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException(c.op() + ": interrupted while leadership changed hands");
            }
        }
    }

    /** Whether {@code e} is a refusal that says only that leadership is changing hands (see {@link #LEADER_CHANGE_MILLIS}). */
    static boolean leaderChanging(Throwable e, boolean readOnly) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException
                    || t instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
                    || t instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
                    || (readOnly && t instanceof org.apache.ratis.protocol.exceptions.ReadIndexException)) {
                return true;
            }
        }
        return false;
    }

    static JsonNode reply(RaftClientReply r, Command c) throws ClusterException, IOException {
        if (!r.isSuccess()) throw new ClusterException(c.op() + ": " + (r.getException() == null ? "refused" : reason(r.getException())));
        return json(r.getMessage().getContent().toByteArray(), c);
    }

    /** A reply's JSON object; its "error", or a reply that is not a JSON object, as the exception. */
    private static JsonNode json(byte[] reply, Command c) throws ClusterException {
        JsonNode n;
        try {
            n = Node.JSON.readTree(reply);
        } catch (IOException e) {
            throw new ClusterException(c.op() + ": the reply is not JSON");
        }
        if (n == null || !n.isObject()) throw new ClusterException(c.op() + ": the reply is not a JSON object");
        if (n.has("error")) throw new ClusterException(c.op() + ": " + n.get("error").asText());
        return n;
    }

    @Override
    public void close() throws IOException {
        RaftClient h;
        synchronized (this) {
            h = here;
            here = null;
            closed = true;
        }
        try {
            if (h != null) h.close();
        } finally {
            client.close();
        }
    }
}
