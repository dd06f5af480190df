package dev.arca.cluster;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import dev.arca.host.Host;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * What the tests of real in-process nodes share: sim evidence of one measurement (all zeros) and a
 * trust manager pinned to it, so nodes and clients made with {@link #credentials} attest each other
 * over RA-TLS; and a free loopback port for a node.
 */
record TestTrust(SimProvider sim, RaTlsTrustManager attested) {
    static TestTrust pinned(Host host, Path config) throws Exception {
        byte[] m = new byte[32];
        SimProvider sim = new SimProvider(host, config, m);
        Policy pinned = new Policy(List.of(HexFormat.of().formatHex(m)), null, null, false, true, null);
        return new TestTrust(sim, new RaTlsTrustManager(new Attestation(List.of(sim.root())), pinned, Clock.systemUTC(), null));
    }

    /** A node's credentials under {@code id}, or a client's with null. */
    Credentials credentials(String id) throws Exception {
        return Credentials.create(id, sim, attested, null, null);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
