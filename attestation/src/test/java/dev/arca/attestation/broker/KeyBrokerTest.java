package dev.arca.attestation.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.Policy;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.ratls.RaTlsCertificate;
import dev.arca.attestation.ratls.RaTlsContext;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyBrokerTest {
    private static final dev.arca.host.Host HOST = new dev.arca.host.LinuxHost();
    static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    static SSLContext context(Path config, byte[] measurement, Policy peerPolicy) throws Exception {
        SimProvider sim = new SimProvider(HOST, config, measurement);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate c = RaTlsCertificate.create(k, sim, "arca test", now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)));
        Attestation verifier = new Attestation(List.of(sim.root()));
        return RaTlsContext.create(k, c, new RaTlsTrustManager(verifier, peerPolicy, Clock.systemUTC(), null));
    }

    static final byte[] M1 = new byte[32];
    static final byte[] M2 = HexFormat.of().parseHex("01".repeat(32));
    static final Policy SIM_OK = new Policy(null, null, null, false, true, null);

    /** Runs a broker with {@code policy} for one connection from a client measured {@code clientMeasurement}. */
    static byte[] attempt(Path dir, Policy policy, byte[] clientMeasurement, List<String> log) throws Exception {
        SSLContext server = context(dir, new byte[32], policy);
        SSLContext client = context(dir, clientMeasurement, SIM_OK);
        try (KeyBroker b = new KeyBroker(HOST, server, 0, KEY, 10_000, log::add)) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> b.serve(1));
            try {
                return KeyBroker.fetch(HOST, client, InetAddress.getLoopbackAddress(), b.port(), 10_000);
            } finally {
                served.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void releasesToAMatchingSimPeerAndRefusesOthers(@TempDir Path dir) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Policy onlyM1 = new Policy(List.of(HexFormat.of().formatHex(M1)), null, null, false, true, null);
        assertArrayEquals(KEY, attempt(dir, onlyM1, M1, log));
        assertTrue(log.getLast().contains("key released"), log.toString());

        AttestationException wrong = assertThrows(AttestationException.class, () -> attempt(dir, onlyM1, M2, log));
        assertEquals(Reason.POLICY_VIOLATION, wrong.reason());
        assertTrue(log.getLast().contains("refused") && log.getLast().contains("not allowed"), log.toString());

        Policy noSim = new Policy(List.of(HexFormat.of().formatHex(M1)), null, null, false, false, null);
        assertThrows(AttestationException.class, () -> attempt(dir, noSim, M1, log));
        assertTrue(log.getLast().contains("sim evidence"), log.toString());
    }

    /**
     * In TLS 1.3 the broker checks the client's certificate after its own side of the handshake has
     * gone out, and the client learns of a refusal as the broker's alert or, when the broker has
     * already closed, as a broken pipe or a reset within the handshake: either way the client is
     * told that the broker refused it (the same race made a cluster test fail once in CI).
     */
    @Test
    void aRefusedInstanceIsToldSoInEveryOrder(@TempDir Path dir) throws Exception {
        Policy onlyM1 = new Policy(List.of(HexFormat.of().formatHex(M1)), null, null, false, true, null);
        for (int i = 0; i < 20; i++) {
            AttestationException e = assertThrows(AttestationException.class, () -> attempt(dir, onlyM1, M2, new CopyOnWriteArrayList<>()));
            assertEquals(Reason.POLICY_VIOLATION, e.reason());
            assertTrue(e.getMessage().startsWith("the key broker refused this instance"), e.getMessage());
        }
        // this instance refusing the broker is not the broker refusing it
        SSLContext server = context(dir, M2, SIM_OK);
        SSLContext client = context(dir, M1, onlyM1);
        try (KeyBroker b = new KeyBroker(HOST, server, 0, KEY, 10_000, line -> {})) {
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> b.serve(1));
            AttestationException e = assertThrows(AttestationException.class,
                    () -> KeyBroker.fetch(HOST, client, InetAddress.getLoopbackAddress(), b.port(), 10_000));
            assertTrue(e.getMessage().startsWith("the TLS handshake with the key broker failed"), e.getMessage());
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyLoopback(@TempDir Path dir) throws Exception {
        SSLContext client = context(dir, M1, SIM_OK);
        AttestationException e = assertThrows(AttestationException.class,
                () -> KeyBroker.fetch(HOST, client, InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 1, 1000));
        assertTrue(e.getMessage().contains("loopback"));
    }
}
