package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.grpc.AdminProtocolServiceGrpc;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServiceDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node runs the gRPC calls that only start asynchronous work on the thread that read them
 * ({@link InlineCalls}); a call that blocks there would hold up every connection that thread
 * serves (heartbeats included, so followers would start elections). The hostile cases: every other
 * call of Ratis's three services, the blocking ones named, keeps gRPC's pool; and real in-process
 * nodes over RA-TLS keep every write while the calls of both kinds interleave: a stream of writes
 * (entries sent to followers, in place), leadership handed over twice under it (votes, on the
 * pool), a new member catching up from a snapshot under it (a snapshot's install, on the pool) and
 * linearizable reads through followers (the read index, in place).
 */
class InlineCallsTest {
    private static final Host HOST = new LinuxHost();
    private static final String CLUSTER = "inline-test";
    @TempDir
    static Path config;
    @TempDir
    Path data;
    private static TestTrust trust;

    @BeforeAll
    static void setUp() throws Exception {
        trust = TestTrust.pinned(HOST, config);
    }

    @Test
    void onlyCallsThatStartAsynchronousWorkRunInPlace() {
        Set<String> inPlace = Set.of("ratis.grpc.RaftServerProtocolService/appendEntries", "ratis.grpc.RaftServerProtocolService/readIndex",
                "ratis.grpc.RaftClientProtocolService/ordered", "ratis.grpc.RaftClientProtocolService/unordered");
        List<String> all = new ArrayList<>();
        for (ServiceDescriptor s : List.of(RaftServerProtocolServiceGrpc.getServiceDescriptor(), RaftClientProtocolServiceGrpc.getServiceDescriptor(),
                AdminProtocolServiceGrpc.getServiceDescriptor())) {
            for (MethodDescriptor<?, ?> m : s.getMethods()) all.add(m.getFullMethodName());
        }
        assertTrue(all.containsAll(inPlace), "Ratis's services name the calls run in place: " + all);
        for (String name : all) {
            Executor e = InlineCalls.executor(name);
            if (inPlace.contains(name)) {
                assertNotNull(e, name);
                Thread[] ran = new Thread[1];
                e.execute(() -> ran[0] = Thread.currentThread());
                assertEquals(Thread.currentThread(), ran[0], name + " runs where it arrives");
            } else {
                assertNull(e, name + " keeps gRPC's pool");
            }
        }
        // the calls that block: a vote writes and syncs it, an install writes the snapshot's files
        for (String blocking : List.of("requestVote", "installSnapshot", "startLeaderElection")) {
            assertNull(InlineCalls.executor("ratis.grpc.RaftServerProtocolService/" + blocking), blocking);
        }
        assertNull(InlineCalls.executor("ratis.grpc.AdminProtocolService/setConfiguration"));
        assertNull(InlineCalls.executor("ratis.grpc.AdminProtocolService/transferLeadership"));
        assertNull(InlineCalls.executor("no.such.Service/appendEntries"));
    }

    @Test
    void aNodesServersAreBuiltWithIt() {
        Parameters p = InlineCalls.install(new Parameters());
        assertInstanceOf(InlineCalls.class, GrpcConfigKeys.Server.servicesCustomizer(p));
    }

    @Test
    void writesSurviveVotesAndASnapshotInstallUnderAStream() throws Exception {
        Map<String, Endpoint> peers = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) peers.put("n" + i, new Endpoint("127.0.0.1", TestTrust.freePort()));
        String volume = HexFormat.of().formatHex(new byte[16]);
        List<Node> nodes = new ArrayList<>();
        try {
            for (var e : peers.entrySet()) {
                nodes.add(Node.start(HOST, new Node.Config(e.getKey(), e.getValue(), peers, data.resolve(e.getKey()), CLUSTER, 16), trust.credentials(e.getKey())));
            }
            AtomicLong acknowledged = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (ClusterClient c = ClusterClient.connect(HOST, peers.get("n1"), CLUSTER, trust.credentials(null))) {
                    for (long v = 1; v <= 200; v++) {
                        assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
                        acknowledged.set(v);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            try (ClusterClient admin = ClusterClient.connect(HOST, peers.get("n1"), CLUSTER, trust.credentials(null))) {
                waitFor(acknowledged, 40, failed);
                admin.lead("n2", 10_000);
                waitFor(acknowledged, 80, failed);
                admin.lead("n3", 10_000);
                waitFor(acknowledged, 120, failed);
                // a new, empty member: the log is purged at each snapshot (every 16 entries), so it catches up by installing one
                for (var e : peers.entrySet()) {
                    RaftServer s = (RaftServer) Node.running(Node.groupId(CLUSTER), RaftPeerId.valueOf(e.getKey()), e.getValue().toString());
                    assertTrue(s.getDivision(Node.groupId(CLUSTER)).getRaftLog().getStartIndex() > 0, e.getKey() + " has not purged its log: n4 could catch up without a snapshot");
                }
                Endpoint a4 = new Endpoint("127.0.0.1", TestTrust.freePort());
                nodes.add(Node.start(HOST, new Node.Config("n4", a4, Map.of(), data.resolve("n4"), CLUSTER, 16), trust.credentials("n4")));
                admin.add("n4", a4);
                writer.join(120_000);
                assertNull(failed.get(), () -> "the stream of writes failed: " + failed.get());
                assertEquals(200, acknowledged.get());
                // a linearizable read through every node, followers included (their read index asked of the leader in place)
                for (Node n : nodes) assertEquals(200, n.read(Command.read(volume), 30_000).path("version").asLong(), n.id());
            }
        } finally {
            for (Node n : nodes) n.close();
        }
    }

    private static void waitFor(AtomicLong acknowledged, long at, AtomicReference<Throwable> failed) throws InterruptedException {
        for (int i = 0; i < 6_000 && acknowledged.get() < at && failed.get() == null; i++) Thread.sleep(10);
        assertNull(failed.get(), () -> "the stream of writes failed: " + failed.get());
        assertTrue(acknowledged.get() >= at, "the stream of writes stalled at " + acknowledged.get());
    }
}
