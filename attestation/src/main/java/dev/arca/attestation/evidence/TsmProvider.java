package dev.arca.attestation.evidence;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.ByteReader;
import dev.arca.attestation.EvidenceType;
import dev.arca.attestation.x509.Certificates;
import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evidence from the Linux configfs-tsm interface ({@code /sys/kernel/config/tsm/report}), which
 * TDX and SEV-SNP guests offer: make an entry directory, write 64 bytes to {@code inblob}, read
 * {@code outblob} (the quote or report), {@code provider} ({@code tdx_guest}, {@code sev_guest}),
 * {@code auxblob} (SNP: the certificate table) and {@code generation}, which must not change
 * between the write and the reads (else another writer raced us: an error, not a wrong quote).
 */
public final class TsmProvider implements EvidenceProvider {
    public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/config/tsm/report");
    private static final AtomicLong SEQ = new AtomicLong();
    private static final String VCEK_GUID = "63da758d-e664-4564-adc5-f4b93be8accd";
    private static final String VLEK_GUID = "a8074bc2-a25a-483e-aae6-39c045a0b8a1";
    private static final String ASK_GUID = "4ab7b379-bbac-4fe4-a02f-05aef327c782";
    private static final String ARK_GUID = "c0b406a4-a803-4952-9743-3fb6014cd0ae";
    private static final int MAX_BLOB = 1 << 20;
    private final Host host;
    private final Path root;

    public TsmProvider(Host host, Path root) {
        this.host = host;
        this.root = root;
    }

    @Override
    public String name() {
        return "tsm";
    }

    @Override
    public Evidence quote(byte[] reportData) throws AttestationException {
        if (reportData.length != 64) {
            throw new AttestationException(Reason.MALFORMED, "report data must be 64 bytes, not " + reportData.length);
        }
        HostFd dir;
        try {
            dir = host.openDirectory(root);
        } catch (ErrnoException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "tsm: " + root + " not found (not a TDX or SEV-SNP guest, or configfs not mounted)");
        }
        String entry = "arca-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        try (dir) {
            try {
                host.createDirectory(dir, entry);
            } catch (ErrnoException e) {
                // left by an earlier process of the same pid: reuse it (the generation check
                // below catches a concurrent writer)
                if (e.errno() != Errno.EEXIST) throw e;
            }
            try {
                try (HostFile in = host.open(dir, entry + "/inblob", OpenMode.create(0600).truncating())) {
                    in.write(ByteBuffer.wrap(reportData), 0);
                }
                long generation = generation(dir, entry);
                byte[] out = host.readFile(dir, entry + "/outblob", MAX_BLOB);
                String provider = new String(host.readFile(dir, entry + "/provider", 256), StandardCharsets.US_ASCII).strip();
                byte[] aux;
                try {
                    aux = host.readFile(dir, entry + "/auxblob", MAX_BLOB);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOENT) throw e;
                    aux = new byte[0];
                }
                if (generation(dir, entry) != generation) {
                    throw new AttestationException(Reason.PROVIDER_FAILED, "tsm: the report changed while it was read (another writer); try again");
                }
                return switch (provider) {
                    case "tdx_guest" -> new Evidence(EvidenceType.TDX, out, List.of(), "tsm");
                    case "sev_guest" -> new Evidence(EvidenceType.SEV_SNP, out, certTable(aux), "tsm");
                    default -> throw new AttestationException(Reason.UNSUPPORTED, "tsm: provider '" + provider + "'");
                };
            } finally {
                try {
                    host.removeDirectory(dir, entry); // configfs: rmdir of the entry; its attributes are not files
                } catch (ErrnoException e) {
                    // a fake or busy tree: the entry stays, harmless
                }
            }
        } catch (ErrnoException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "tsm: " + e.getMessage());
        }
    }

    private long generation(HostFd dir, String entry) throws ErrnoException, AttestationException {
        String g = new String(host.readFile(dir, entry + "/generation", 64), StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(g);
        } catch (NumberFormatException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "tsm: generation '" + g + "' is not a number");
        }
    }

    /** The SEV-SNP certificate table: (GUID, offset, length) entries ending in a zero GUID; VCEK or VLEK first. */
    static List<X509Certificate> certTable(byte[] aux) throws AttestationException {
        List<X509Certificate> ek = new ArrayList<>(), rest = new ArrayList<>();
        if (aux.length == 0) {
            return ek;
        }
        ByteReader r = new ByteReader(aux, "SEV-SNP certificate table");
        X509Certificate ask = null, ark = null;
        for (int i = 0; i < 64; i++) {
            byte[] guid = r.bytes(16, "GUID");
            int off = r.u32("offset");
            int len = r.u32("length");
            if (java.util.Arrays.equals(guid, new byte[16])) {
                break;
            }
            if (off > aux.length || len > aux.length - off) {
                throw new AttestationException(Reason.MALFORMED, "SEV-SNP certificate table entry out of range");
            }
            byte[] der = java.util.Arrays.copyOfRange(aux, off, off + len);
            String g = guid(guid);
            switch (g) {
                case VCEK_GUID, VLEK_GUID -> ek.add(Certificates.parse(der, "certificate table " + g));
                case ASK_GUID -> ask = Certificates.parse(der, "ASK");
                case ARK_GUID -> ark = Certificates.parse(der, "ARK");
                default -> { }
            }
        }
        if (ask != null) {
            rest.add(ask);
        }
        if (ark != null) {
            rest.add(ark);
        }
        ek.addAll(rest);
        return ek;
    }

    /** A GUID as the kernel and AMD write it: the first three fields little-endian. */
    static String guid(byte[] b) {
        HexFormat h = HexFormat.of();
        byte[] le = {b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]};
        return h.formatHex(le, 0, 4) + "-" + h.formatHex(le, 4, 6) + "-" + h.formatHex(le, 6, 8) + "-" + h.formatHex(b, 8, 10) + "-" + h.formatHex(b, 10, 16);
    }
}
