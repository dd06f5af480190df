package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's linearizable reads through its own Raft server ({@link Node#read}, {@link
 * Node#readOnce}), on real in-process nodes over RA-TLS: answered when there is a leader, and,
 * when there is none, a failure within the time asked for (not a hang, not Ratis's own timeouts).
 */
class NodeReadTest {
    private static final Host HOST = new LinuxHost();
    @TempDir
    static Path config;
    @TempDir
    Path data;
    private static Credentials credentials;

    @BeforeAll
    static void setUp() throws Exception {
        byte[] m = new byte[32];
        SimProvider sim = new SimProvider(HOST, config, m);
        Policy pinned = new Policy(List.of(HexFormat.of().formatHex(m)), null, null, false, true, null);
        RaTlsTrustManager attested = new RaTlsTrustManager(new Attestation(List.of(sim.root())), pinned, Clock.systemUTC(), null);
        credentials = Credentials.create("n1", sim, attested, null, null);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aNodeAloneInItsClusterAnswers() throws Exception {
        Endpoint a = new Endpoint("127.0.0.1", freePort());
        Node n = Node.start(HOST, new Node.Config("n1", a, Map.of("n1", a), data, "read-test"), credentials);
        try {
            assertTrue(n.read(Command.services(), 30_000).has("services"));
            assertTrue(n.readOnce(Command.services()).get(30, TimeUnit.SECONDS).has("services"));
        } finally {
            n.close();
        }
    }

    @Test
    void withNoLeaderAReadFailsWithinTheTimeAskedFor() throws Exception {
        // two of three members never start: no election can be won, no leader is ever known
        Endpoint a = new Endpoint("127.0.0.1", freePort());
        Endpoint b = new Endpoint("127.0.0.1", freePort());
        Endpoint c = new Endpoint("127.0.0.1", freePort());
        Node n = Node.start(HOST, new Node.Config("n1", a, Map.of("n1", a, "n2", b, "n3", c), data, "read-test"), credentials);
        try {
            long t0 = System.nanoTime();
            ClusterException e = assertThrows(ClusterException.class, () -> n.read(Command.services(), 700));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().startsWith("services: no linearizable read within 700 ms ("), e.getMessage());
            assertTrue(ms >= 600 && ms < 2_500, "failed after " + ms + " ms");
            // asked once: fails (no leader), never answers
            ExecutionException once = assertThrows(ExecutionException.class, () -> n.readOnce(Command.services()).get(30, TimeUnit.SECONDS));
            assertTrue(once.getCause() instanceof ClusterException, String.valueOf(once.getCause()));
            // an interrupted read stops at once, its thread still interrupted
            Thread.currentThread().interrupt();
            e = assertThrows(ClusterException.class, () -> n.read(Command.services(), 10_000));
            assertTrue(Thread.interrupted(), "the interrupt is kept");
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        } finally {
            n.close();
        }
    }
}
