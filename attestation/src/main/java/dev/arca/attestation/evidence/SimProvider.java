package dev.arca.attestation.evidence;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.x509.CertificateBuilder;
import dev.arca.attestation.x509.Certificates;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The sim provider: a P-384 attestation key made once per installation and certified by a local
 * test root, both kept in {@code $ARCA_CONFIG_DIR/sim} (default {@code ~/.config/arca/sim}),
 * private keys readable by the owner only. Evidence is {@link SimEvidence}: insecure.
 */
public final class SimProvider implements EvidenceProvider {
    private static final int MAX_FILE = 64 * 1024;
    private final Host host;
    private final Path dir;
    private final byte[] measurement;
    private X509Certificate root;
    private X509Certificate cert;
    private PrivateKey key;

    public SimProvider(Host host, Path configDir, byte[] measurement) {
        this.host = host;
        this.dir = configDir.resolve("sim");
        this.measurement = measurement.clone();
    }

    /** $ARCA_CONFIG_DIR, else ~/.config/arca. */
    public static Path defaultConfigDir(Host host) {
        String env = host.environment("ARCA_CONFIG_DIR");
        return env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".config", "arca");
    }

    @Override
    public String name() {
        return "sim";
    }

    /** This installation's sim root certificate, made on first use. */
    public synchronized X509Certificate root() throws AttestationException {
        load();
        return root;
    }

    /** The installation's sim root, if one was made; empty otherwise (never creates one). */
    public static List<X509Certificate> existingRoot(Host host, Path configDir) throws AttestationException {
        Path p = configDir.resolve("sim").resolve("root.pem");
        try {
            return List.of(Certificates.parsePem(new String(host.readFile(p, MAX_FILE), StandardCharsets.US_ASCII), p.toString()));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return List.of();
            throw new AttestationException(Reason.PROVIDER_FAILED, "cannot read " + p + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized Evidence quote(byte[] reportData) throws AttestationException {
        if (reportData.length != 64) {
            throw new AttestationException(Reason.MALFORMED, "report data must be 64 bytes, not " + reportData.length);
        }
        load();
        try {
            Signature s = Signature.getInstance("SHA384withECDSA");
            s.initSign(key);
            s.update(SimEvidence.signedBytes(measurement, reportData));
            return new Evidence(EvidenceType.SIM, SimEvidence.encode(measurement, reportData, List.of(cert, root), s.sign()), List.of(), "sim");
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "sim: cannot sign: " + e.getMessage());
        }
    }

    private void load() throws AttestationException {
        if (key != null) {
            return;
        }
        try {
            if (!complete()) make();
        } catch (ErrnoException | GeneralSecurityException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "sim: cannot make the key in " + dir + ": " + e.getMessage());
        }
        try (HostFd d = host.openDirectory(dir)) {
            if (!host.exists(d, "key.pem")) {
                throw new AttestationException(Reason.PROVIDER_FAILED, "sim: " + dir + " holds an incomplete key set (no key.pem): remove it to make a new one");
            }
            root = Certificates.parsePem(read(d, "root.pem"), "sim root");
            cert = Certificates.parsePem(read(d, "key.pem"), "sim key certificate");
            byte[] pk = Base64.getMimeDecoder().decode(read(d, "key.pk8").replaceAll("-----[A-Z ]+-----", ""));
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pk));
        } catch (ErrnoException | GeneralSecurityException | IllegalArgumentException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "sim: cannot load the key in " + dir + ": " + e.getMessage());
        }
    }

    /** Whether {@code dir} holds a complete set (key.pem is written last). */
    private boolean complete() throws ErrnoException {
        try (HostFd d = host.openDirectory(dir)) {
            return host.exists(d, "key.pem");
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    /**
     * Makes a key set, the first of all who try at once: it is written in a staging directory of
     * its own and renamed to {@code sim}, which succeeds only while {@code sim} is missing or
     * empty. A process that loses the race drops its set and loads the winner's, so instances
     * started together on a fresh installation (an RA-TLS proxy and its backend) all sign with,
     * and trust, the one set on disk. (Before, each wrote its three files over the other's and
     * kept what it read: a mixed set, whose evidence the other refused.)
     */
    private void make() throws ErrnoException, GeneralSecurityException, AttestationException {
        Path parent = dir.getParent();
        byte[] r = new byte[8];
        host.randomBytes(r);
        String staging = dir.getFileName() + ".new-" + java.util.HexFormat.of().formatHex(r);
        try (HostFd p = host.openOrCreateDirectory(parent)) {
            boolean installed = false;
            try {
                try (HostFd s = host.openOrCreateDirectory(parent.resolve(staging))) { // mode 0700, as sim's
                    create(s);
                }
                try {
                    host.rename(p, staging, p, dir.getFileName().toString());
                    installed = true;
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOTEMPTY && e.errno() != Errno.EEXIST) throw e; // another process's set is there
                }
            } finally {
                if (!installed) removeStaging(p, staging);
            }
        }
    }

    private void removeStaging(HostFd parent, String staging) {
        try (HostFd s = host.openDirectory(dir.getParent().resolve(staging))) {
            for (String f : List.of("key.pk8", "root.pem", "key.pem")) {
                try {
                    host.removeFile(s, f);
                } catch (ErrnoException e) {
                    // not written
                }
            }
        } catch (ErrnoException e) {
            // gone already
        }
        try {
            host.removeDirectory(parent, staging);
        } catch (ErrnoException e) {
            // left for the operator: nothing reads it
        }
    }

    private String read(HostFd d, String name) throws ErrnoException {
        return new String(host.readFile(d, name, MAX_FILE), StandardCharsets.US_ASCII);
    }

    private void create(HostFd d) throws ErrnoException, GeneralSecurityException, AttestationException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair rootKey = g.generateKeyPair();
        KeyPair attKey = g.generateKeyPair();
        X509Certificate r = new CertificateBuilder().subject("Arca sim root (INSECURE, local test root)").ca(true)
                .sign(rootKey.getPublic(), rootKey.getPrivate());
        X509Certificate c = new CertificateBuilder().subject("Arca sim attestation key (INSECURE)").issuer("Arca sim root (INSECURE, local test root)")
                .sign(attKey.getPublic(), rootKey.getPrivate());
        // The root's private key is not kept: nothing else is ever signed by this root.
        // key.pem last: its presence says the set is complete
        write(d, "key.pk8", "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(attKey.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", true);
        write(d, "root.pem", Certificates.toPem(r), false);
        write(d, "key.pem", Certificates.toPem(c), false);
    }

    private void write(HostFd d, String name, String text, boolean secret) throws ErrnoException {
        host.replaceFile(d, name, text.getBytes(StandardCharsets.US_ASCII), secret ? 0600 : 0644);
    }
}
