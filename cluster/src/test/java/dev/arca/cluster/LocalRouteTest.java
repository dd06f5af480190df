package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster client in the JVM of a node hands that node its reads and writes without a connection
 * ({@link LocalRoute}); everything else, and every node of another process, goes over gRPC as
 * before. First the route's choices with a fake server, then real in-process nodes over RA-TLS
 * whose leader moves and dies under a stream of writes. The cluster suites (tests/cluster/*.sh)
 * run both routes for real: a service's commits on the leader's node in-process, the rest over
 * gRPC between node processes.
 */
class LocalRouteTest {
    private static final Host HOST = new LinuxHost();
    private static final RaftGroupId GROUP = RaftGroupId.randomId();
    @TempDir
    static Path config;
    @TempDir
    Path data;
    private static TestTrust trust;

    @BeforeAll
    static void setUp() throws Exception {
        trust = TestTrust.pinned(HOST, config);
    }

    /** gRPC as the route sees it: counts what it was given, and answers nothing. */
    static final class Remote implements RaftClientRpc {
        final List<RaftClientRequest> sent = new ArrayList<>();

        @Override
        public RaftClientReply sendRequest(RaftClientRequest request) {
            sent.add(request);
            return RaftClientReply.newBuilder().setRequest(request).setSuccess().build();
        }

        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
            sent.add(request);
            return CompletableFuture.completedFuture(RaftClientReply.newBuilder().setRequest(request).setSuccess().build());
        }

        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
            return sendRequestAsync(request);
        }

        @Override
        public void addRaftPeers(java.util.Collection<RaftPeer> peers) {}

        @Override
        public void close() {}
    }

    /** A node's server in this JVM that answers with {@code answer}, keeping what it was handed. */
    static final class Local implements RaftClientAsynchronousProtocol {
        final List<RaftClientRequest> got = new ArrayList<>();
        final java.util.function.Function<RaftClientRequest, CompletableFuture<RaftClientReply>> answer;

        Local(java.util.function.Function<RaftClientRequest, CompletableFuture<RaftClientReply>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<RaftClientReply> submitClientRequestAsync(RaftClientRequest request) {
            got.add(request);
            return answer.apply(request);
        }
    }

    private static RaftClientRequest request(String server, RaftClientRequest.Type type) {
        return RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf(server)).setGroupId(GROUP)
                .setCallId(7).setMessage(Message.valueOf("advance")).setType(type).build();
    }

    /** A route where n1 at 127.0.0.11:9000 runs in this JVM as {@code local}, n2 in another process. */
    private static LocalRoute route(Remote remote, Local local, long timeoutMillis) {
        LocalRoute r = new LocalRoute(remote, (g, id, address) -> g.equals(GROUP) && id.toString().equals("n1") && address.equals("127.0.0.11:9000") ? local : null,
                TimeDuration.valueOf(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS));
        r.addRaftPeers(List.of(Node.peer("n1", new Endpoint("127.0.0.11", 9000)), Node.peer("n2", new Endpoint("127.0.0.12", 9000))));
        return r;
    }

    @Test
    void readsAndWritesForANodeInThisJvmGoToItsServerAsTheyAre() throws Exception {
        var remote = new Remote();
        var local = new Local(r -> CompletableFuture.completedFuture(RaftClientReply.newBuilder().setRequest(r).setSuccess().build()));
        LocalRoute route = route(remote, local, 3_000);
        for (RaftClientRequest.Type t : List.of(RaftClientRequest.writeRequestType(), RaftClientRequest.readRequestType(), RaftClientRequest.staleReadRequestType(0))) {
            RaftClientRequest q = request("n1", t);
            RaftClientReply reply = route.sendRequest(q);
            assertTrue(reply.isSuccess());
            // the very request Ratis's client built: its client id and call id key the server's retry cache
            assertSame(q, local.got.getLast());
            assertEquals(q.getCallId(), reply.getCallId());
        }
        assertEquals(3, route.localRequests());
        assertTrue(remote.sent.isEmpty(), "nothing went over gRPC");
    }

    @Test
    void everythingElseGoesOverGrpc() throws Exception {
        var remote = new Remote();
        var local = new Local(r -> CompletableFuture.completedFuture(RaftClientReply.newBuilder().setRequest(r).setSuccess().build()));
        LocalRoute route = route(remote, local, 3_000);
        route.sendRequest(request("n2", RaftClientRequest.writeRequestType())); // a node of another process
        route.sendRequest(request("n9", RaftClientRequest.writeRequestType())); // a node whose address the client was never given
        // administration travels as a subclass (a leadership transfer is a "read" by its type), sent by gRPC to another service
        route.sendRequest(new TransferLeadershipRequest(ClientId.randomId(), RaftPeerId.valueOf("n1"), GROUP, 8, RaftPeerId.valueOf("n2"), 1_000));
        route.sendRequest(request("n1", RaftClientRequest.watchRequestType(5, org.apache.ratis.proto.RaftProtos.ReplicationLevel.MAJORITY)));
        route.sendRequestAsync(request("n1", RaftClientRequest.writeRequestType())); // ordered asynchronous: gRPC's server orders them
        route.sendRequestAsyncUnordered(request("n1", RaftClientRequest.staleReadRequestType(0)));
        // another group with the same ids and addresses (two clusters in one JVM)
        RaftClientRequest other = RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf("n1"))
                .setGroupId(RaftGroupId.randomId()).setCallId(9).setMessage(Message.valueOf("x")).setType(RaftClientRequest.writeRequestType()).build();
        route.sendRequest(other);
        assertEquals(7, remote.sent.size());
        assertTrue(local.got.isEmpty());
        assertEquals(0, route.localRequests());
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAsGrpcWould() {
        var local = new Local(r -> new CompletableFuture<>()); // never answers
        LocalRoute route = route(new Remote(), local, 300);
        long t0 = System.nanoTime();
        TimeoutIOException e = assertThrows(TimeoutIOException.class, () -> route.sendRequest(request("n1", RaftClientRequest.writeRequestType())));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 250 && ms < 3_000, "timed out after " + ms + " ms");
        assertTrue(e.getMessage().contains("n1"), e.getMessage());
    }

    @Test
    void aServersFailureReachesTheClientAsItsOwnException() {
        var refusal = new StateMachineException(RaftGroupMemberId.valueOf(RaftPeerId.valueOf("n1"), GROUP), new IOException("fenced"));
        LocalRoute route = route(new Remote(), new Local(r -> CompletableFuture.failedFuture(refusal)), 3_000);
        IOException e = assertThrows(IOException.class, () -> route.sendRequest(request("n1", RaftClientRequest.writeRequestType())));
        assertSame(refusal, e);
        // a server that throws at once (closed) fails the same way
        LocalRoute closed = route(new Remote(), new Local(r -> {
            throw new IllegalStateException("server closed");
        }), 3_000);
        assertThrows(IllegalStateException.class, () -> closed.sendRequest(request("n1", RaftClientRequest.writeRequestType())));
    }

    @Test
    void anInterruptedCallerStopsWaitingAndKeepsItsInterrupt() {
        LocalRoute route = route(new Remote(), new Local(r -> new CompletableFuture<>()), 30_000);
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        assertThrows(InterruptedIOException.class, () -> route.sendRequest(request("n1", RaftClientRequest.writeRequestType())));
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);
    }

    private static String leader(ClusterClient c, String cluster) throws Exception {
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until) {
            var s = c.status(cluster);
            if (s.path("leader").isTextual()) return s.get("leader").asText();
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within 30 s");
    }

    @Test
    void realNodesInThisJvmTakeWritesInProcessWhileTheLeaderMovesAndDies() throws Exception {
        String cluster = "route-test";
        Map<String, Endpoint> peers = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) peers.put("n" + i, new Endpoint("127.0.0.1", TestTrust.freePort()));
        Map<String, Node> nodes = new LinkedHashMap<>();
        ClusterClient c = null;
        try {
            for (var e : peers.entrySet()) {
                nodes.put(e.getKey(), Node.start(HOST, new Node.Config(e.getKey(), e.getValue(), peers, data.resolve(e.getKey()), cluster),
                        trust.credentials(e.getKey())));
            }
            c = ClusterClient.connect(HOST, peers.get("n1"), cluster, trust.credentials(null));
            String first = leader(c, cluster);
            String volume = HexFormat.of().formatHex(new byte[16]);
            long v = 0;
            for (int i = 0; i < 50; i++) {
                v++;
                assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
            }
            long before = c.localRequests();
            assertTrue(before >= 50, "writes went in-process: " + before);
            // leadership handed to each node in turn: the old leader refuses in-process, Ratis's client follows
            for (String target : List.of("n2", "n3", "n1")) {
                if (target.equals(leader(c, cluster))) continue;
                c.lead(target, 5_000);
                for (int i = 0; i < 20; i++) {
                    v++;
                    assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
                }
            }
            // the leader's node closes (its server gone from this JVM) under the stream: writes go on with the other two
            // (not n1: the client's status calls go through it)
            String dead = "n2";
            c.lead(dead, 5_000);
            assertEquals(dead, leader(c, cluster));
            nodes.remove(dead).close();
            assertNull(Node.running(Node.groupId(cluster), RaftPeerId.valueOf(dead), peers.get(dead).toString()), "a closed node is no longer found");
            for (int i = 0; i < 20; i++) {
                v++;
                assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
            }
            assertEquals(v, c.read(Command.read(volume)).path("version").asLong(), "every write applied, in order");
            String now = leader(c, cluster);
            assertTrue(!now.equals(dead) && nodes.containsKey(now), first + " then " + now);
            assertNotNull(Node.running(Node.groupId(cluster), RaftPeerId.valueOf(now), peers.get(now).toString()));
            assertTrue(c.localRequests() > before + 40, "still in-process after the moves: " + c.localRequests());
        } finally {
            if (c != null) c.close();
            for (Node n : nodes.values()) n.close();
        }
    }
}
