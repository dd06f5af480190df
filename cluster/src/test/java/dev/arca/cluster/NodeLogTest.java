package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.LogEntryProto.LogEntryBodyCase;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.LogEntryHeader;
import org.apache.ratis.server.raftlog.RaftLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node's Raft log holds, and what a restart makes of it, on real in-process nodes over
 * RA-TLS. A node logs no metadata entries (Ratis's default logs one at every commit, which every
 * node writes and syncs: a second round per commit, see {@link Node#properties}); the price is that
 * a restarted node applies its log only once a leader tells it the commit index. So the hostile
 * case is a cluster stopped whole: when it comes back, every node must have every commit, and
 * answer it, before and after new ones.
 */
class NodeLogTest {
    private static final Host HOST = new LinuxHost();
    private static final String CLUSTER = "log-test";
    @TempDir
    static Path config;
    @TempDir
    Path data;
    private static TestTrust trust;

    @BeforeAll
    static void setUp() throws Exception {
        trust = TestTrust.pinned(HOST, config);
    }

    private Map<String, Node> startAll(Map<String, Endpoint> peers) throws Exception {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (var e : peers.entrySet()) {
            nodes.put(e.getKey(), Node.start(HOST, new Node.Config(e.getKey(), e.getValue(), peers, data.resolve(e.getKey()), CLUSTER),
                    trust.credentials(e.getKey())));
        }
        return nodes;
    }

    private static RaftLog log(String id, Endpoint address) throws Exception {
        RaftServer server = (RaftServer) Node.running(Node.groupId(CLUSTER), RaftPeerId.valueOf(id), address.toString());
        return server.getDivision(Node.groupId(CLUSTER)).getRaftLog();
    }

    @Test
    void nodesRunWithoutLogMetadata() {
        Endpoint a = new Endpoint("127.0.0.11", 7001);
        assertFalse(RaftServerConfigKeys.Log.logMetadataEnabled(Node.properties(new Node.Config("n1", a, Map.of("n1", a), data, CLUSTER), data.resolve("raft"))));
    }

    @Test
    void commitsLogNoMetadataAndAClusterStoppedWholeComesBackWithEveryCommit() throws Exception {
        Map<String, Endpoint> peers = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) peers.put("n" + i, new Endpoint("127.0.0.1", TestTrust.freePort()));
        String volume = HexFormat.of().formatHex(new byte[16]);
        long v = 0;
        Map<String, Node> nodes = startAll(peers);
        try {
            try (ClusterClient c = ClusterClient.connect(HOST, peers.get("n1"), CLUSTER, trust.credentials(null))) {
                for (int i = 0; i < 40; i++) {
                    v++;
                    assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
                }
            }
            // every node has the 40 commits in its log (a linearizable read through it waits until it applied them) and no metadata entry
            for (var e : peers.entrySet()) {
                assertEquals(v, nodes.get(e.getKey()).read(Command.read(volume), 30_000).path("version").asLong(), e.getKey());
                RaftLog log = log(e.getKey(), e.getValue());
                LogEntryHeader[] headers = log.getEntries(log.getStartIndex(), log.getNextIndex());
                long commits = 0;
                for (LogEntryHeader h : headers) {
                    assertTrue(h.getLogEntryBodyCase() != LogEntryBodyCase.METADATAENTRY, e.getKey() + " logged a metadata entry at " + h.getIndex());
                    if (h.getLogEntryBodyCase() == LogEntryBodyCase.STATEMACHINELOGENTRY) commits++;
                }
                assertTrue(commits >= 40, e.getKey() + " logged " + commits + " commits");
            }
        } finally {
            for (Node n : nodes.values()) n.close();
        }
        // the whole cluster stopped, then started again from its directories: every node answers every commit, then takes more
        nodes = startAll(peers);
        try {
            for (var e : nodes.entrySet()) {
                assertEquals(v, e.getValue().read(Command.read(volume), 30_000).path("version").asLong(), e.getKey() + " after the restart");
            }
            try (ClusterClient c = ClusterClient.connect(HOST, peers.get("n2"), CLUSTER, trust.credentials(null))) {
                for (int i = 0; i < 10; i++) {
                    v++;
                    assertEquals(v, c.write(Command.advance(volume, v)).path("version").asLong());
                }
            }
            for (var e : nodes.entrySet()) {
                assertEquals(v, e.getValue().read(Command.read(volume), 30_000).path("version").asLong(), e.getKey() + " after new commits");
            }
        } finally {
            for (Node n : nodes.values()) n.close();
        }
    }
}
