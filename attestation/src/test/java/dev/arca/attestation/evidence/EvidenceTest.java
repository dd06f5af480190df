package dev.arca.attestation.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.Mutations;
import dev.arca.attestation.Policy;
import dev.arca.attestation.TcbStatus;
import dev.arca.attestation.Vectors;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.measure.Measurement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceTest {
    private static final dev.arca.host.Host HOST = new dev.arca.host.LinuxHost();
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void simRoundTripIsMarkedInsecure(@TempDir Path dir) throws Exception {
        SimProvider sim = new SimProvider(HOST, dir, new byte[32]);
        byte[] data = new byte[64];
        data[5] = 9;
        Evidence e = Evidence.parse(sim.quote(data).encode());
        assertEquals(EvidenceType.SIM, e.type());
        Verdict v = new Attestation(SimProvider.existingRoot(HOST, dir)).verify(e, null, NOW);
        assertTrue(v.insecure());
        assertEquals(TcbStatus.INSECURE, v.tcbStatus());
        assertEquals(9, v.reportData()[5]);
        assertTrue(new String(e.bytes(), StandardCharsets.UTF_8).contains("INSECURE"));
        // refused by the default policy, accepted when sim is allowed
        assertEquals(Reason.POLICY_VIOLATION, assertThrows(AttestationException.class, () -> Policy.DEFAULT.check(v)).reason());
        Policy.parse("{\"allowSim\": true}".getBytes(StandardCharsets.UTF_8)).check(v);
        // another installation does not trust it
        assertEquals(Reason.UNTRUSTED_ROOT, assertThrows(AttestationException.class,
                () -> new Attestation(List.of(new SimProvider(HOST, dir.resolve("b"), new byte[32]).root())).verify(e, null, NOW)).reason());
        // the same key is kept across instances
        assertEquals(sim.root(), new SimProvider(HOST, dir, new byte[32]).root());
    }

    @Test
    void instancesMakingTheSimKeyAtOnceAllEndWithTheOneOnDisk(@TempDir Path base) throws Exception {
        // two instances started together on a fresh installation (tests/net: an RA-TLS proxy and
        // its backend) both found no key and made one each: files of both sets were written over
        // each other, each kept the set it read, and every handshake between them failed
        for (int round = 0; round < 20; round++) {
            Path dir = base.resolve("r" + round);
            int n = 6;
            SimProvider[] sims = new SimProvider[n];
            for (int i = 0; i < n; i++) sims[i] = new SimProvider(HOST, dir, new byte[32]);
            byte[][] quotes = new byte[n][];
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            Thread[] ts = new Thread[n];
            Throwable[] failed = new Throwable[1];
            for (int i = 0; i < n; i++) {
                int k = i;
                ts[i] = Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        quotes[k] = sims[k].quote(new byte[64]).encode();
                    } catch (Throwable t) {
                        failed[0] = t;
                    }
                });
            }
            go.countDown();
            for (Thread t : ts) t.join();
            if (failed[0] != null) throw new AssertionError("round " + round, failed[0]);
            Attestation onDisk = new Attestation(SimProvider.existingRoot(HOST, dir));
            for (int i = 0; i < n; i++) {
                assertTrue(onDisk.verify(Evidence.parse(quotes[i]), null, NOW).insecure(), "round " + round + ", instance " + i);
                assertEquals(SimProvider.existingRoot(HOST, dir).get(0), sims[i].root());
            }
            try (var left = Files.list(base.resolve("r" + round))) {
                assertEquals(List.of("sim"), left.map(x -> x.getFileName().toString()).toList(), "no staging directory left");
            }
        }
    }

    @Test
    void simEvidenceTamperedOrFuzzed(@TempDir Path dir) throws Exception {
        SimProvider sim = new SimProvider(HOST, dir, new byte[32]);
        byte[] ev = sim.quote(new byte[64]).encode();
        Attestation a = new Attestation(SimProvider.existingRoot(HOST, dir));
        String s = new String(ev, StandardCharsets.UTF_8);
        String forged = s.replaceFirst("\"reportData\":\"00", "\"reportData\":\"01");
        assertEquals(Reason.SIGNATURE_INVALID, assertThrows(AttestationException.class,
                () -> a.verify(Evidence.parse(forged.getBytes(StandardCharsets.UTF_8)), null, NOW)).reason());
        Mutations.fuzz(ev, 3, 300, m -> a.verify(Evidence.parse(m), null, NOW));
    }

    @Test
    void tsmAgainstAFakeConfigfsTree(@TempDir Path root) throws Exception {
        // The fake kernel: every entry directory already holds a TDX quote. The provider makes "arca-PID-N".
        byte[] quote = Vectors.bytes("dcap-qvl/tdx_quote");
        long pid = ProcessHandle.current().pid();
        for (int n = 1; n <= 200; n++) {
            Path e = root.resolve("arca-" + pid + "-" + n);
            Files.createDirectories(e);
            Files.write(e.resolve("outblob"), quote);
            Files.writeString(e.resolve("provider"), "tdx_guest\n");
            Files.writeString(e.resolve("generation"), "1\n");
        }
        Evidence ev = new TsmProvider(HOST, root).quote(new byte[64]);
        assertEquals(EvidenceType.TDX, ev.type());
        assertEquals(quote.length, ev.bytes().length);
        Path used = Files.list(root).filter(p -> {
            try {
                return Files.exists(p.resolve("inblob"));
            } catch (RuntimeException x) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertEquals(64, Files.size(used.resolve("inblob")));
        assertEquals(EvidenceType.TDX, Evidence.parse(ev.encode()).type());
        assertEquals(Reason.PROVIDER_FAILED, assertThrows(AttestationException.class,
                () -> new TsmProvider(HOST, root.resolve("absent")).quote(new byte[64])).reason());
        assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class, () -> new TsmProvider(HOST, root).quote(new byte[3])).reason());
    }

    @Test
    void measurementIsDeterministic(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("b.jar"), "bee");
        Path b = Files.writeString(dir.resolve("a.jar"), "ay");
        Measurement m1 = Measurement.of(HOST, List.of(a, b), "{}".getBytes(StandardCharsets.UTF_8), new byte[] {0, 'a', 's', 'm'});
        Measurement m2 = Measurement.of(HOST, List.of(b, a), "{}".getBytes(StandardCharsets.UTF_8), new byte[] {0, 'a', 's', 'm'});
        assertEquals(m1, m2);
        Measurement m3 = Measurement.of(HOST, List.of(b, a), "{ }".getBytes(StandardCharsets.UTF_8), new byte[] {0, 'a', 's', 'm'});
        assertTrue(!m1.measurement().equals(m3.measurement()));
        assertEquals(64, m1.measurement().length());
    }

    @Test
    void policyParsing() throws Exception {
        assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class, () -> Policy.parse("{\"allowSims\": true}".getBytes(StandardCharsets.UTF_8))).reason());
        assertEquals(Reason.COLLATERAL_INVALID, assertThrows(AttestationException.class, () -> Policy.parse("{\"minTcbStatus\": \"Great\"}".getBytes(StandardCharsets.UTF_8))).reason());
        Policy p = Policy.parse("{\"minTcbStatus\": \"UpToDate\", \"allowedAdvisories\": []}".getBytes(StandardCharsets.UTF_8));
        var c = dev.arca.attestation.dcap.Collateral.parseJson(Vectors.bytes("dcap-qvl/sgx_quote_collateral.json"));
        Verdict v = new Attestation(List.of()).verify(Evidence.parse(Vectors.bytes("dcap-qvl/sgx_quote")), Vectors.bytes("dcap-qvl/sgx_quote_collateral.json"), c.validUntil());
        assertEquals(3, p.violations(v).size());
    }

    @Test
    void evidenceDetection() throws Exception {
        assertEquals(EvidenceType.SGX_DCAP, Evidence.parse(Vectors.bytes("dcap-qvl/sgx_quote")).type());
        assertEquals(EvidenceType.TDX, Evidence.parse(Vectors.bytes("go-tdx-guest/quote_v5_sample.dat")).type());
        assertEquals(EvidenceType.SEV_SNP, Evidence.parse(Vectors.bytes("virtee-sev/report_milan.hex")).type());
        assertEquals(Reason.MALFORMED, assertThrows(AttestationException.class, () -> Evidence.parse(new byte[] {1, 2, 3})).reason());
    }
}
