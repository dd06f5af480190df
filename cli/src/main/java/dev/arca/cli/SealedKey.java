package dev.arca.cli;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.measure.Measurement;
import dev.arca.host.Host;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.OpenMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A volume key sealed to the instance in sim mode: HMAC-SHA256, keyed by a per-installation
 * secret, over the instance's measurement (the runtime build, the manifest, the entry module and
 * its images). The same instance on the same installation gets the same key; a changed program,
 * manifest or runtime gets another and cannot open the volume. Like all sim evidence this is for
 * development: the secret is a file the host's administrator can read (a TEE's sealing key
 * replaces it in production).
 */
final class SealedKey {
    private SealedKey() {}

    private static final String SECRET = "seal.key";

    /** The 32 key bytes for the instance (what runs is what is measured). */
    static byte[] derive(Identity identity) throws UserError {
        Measurement m = identity.measurement();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            mac.update("arca-seal-v1".getBytes(StandardCharsets.UTF_8));
            Console.warning("volume key sealed in sim mode (insecure, for development)");
            return mac.doFinal(m.bytes());
        } catch (GeneralSecurityException e) {
            throw new UserError("sealed key: HMAC-SHA256 unavailable");
        }
    }

    /** The installation's sealing secret, made on first use (mode 0600), beneath its directory only. */
    private static byte[] secret() throws UserError {
        Host host = Cli.HOST;
        Path dir = SimProvider.defaultConfigDir(Cli.HOST).resolve("sim");
        try (HostFd d = host.openOrCreateDirectory(dir)) {
            byte[] s;
            try {
                s = read(host, d);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) throw e;
                byte[] fresh = new byte[32];
                host.randomBytes(fresh);
                byte[] r = new byte[8];
                host.randomBytes(r);
                String tmp = ".seal-" + HexFormat.of().formatHex(r) + ".tmp";
                try (HostFile f = host.open(d, tmp, OpenMode.createNew(0600))) {
                    f.write(ByteBuffer.wrap(fresh), 0);
                    f.sync(false);
                }
                try {
                    host.link(d, tmp, d, SECRET); // another process may have made it first: keep theirs
                } catch (ErrnoException x) {
                    if (x.errno() != Errno.EEXIST) throw x;
                } finally {
                    host.removeFile(d, tmp);
                }
                s = read(host, d);
            }
            if (s.length != 32) throw new UserError("sealed key: " + dir.resolve(SECRET) + " is damaged (not 32 bytes)");
            return s;
        } catch (ErrnoException e) {
            throw new UserError("sealed key: " + dir.resolve(SECRET) + ": " + dev.arca.host.HostErrors.describe(e));
        }
    }

    private static byte[] read(Host host, HostFd dir) throws ErrnoException {
        try (HostFile f = host.open(dir, SECRET, OpenMode.READ)) {
            ByteBuffer b = ByteBuffer.allocate(33); // one more than a secret, to see a longer file
            while (b.hasRemaining() && f.read(b, b.position()) > 0) {
                // reads until full or end of file
            }
            byte[] out = new byte[b.position()];
            b.flip().get(out);
            return out;
        }
    }
}
