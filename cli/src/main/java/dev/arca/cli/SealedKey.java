package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.measure.Measurement;
import dev.arca.fs.encfs.VolumeKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
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

    static VolumeKey derive(Path manifestFile, byte[] program) throws UserError {
        Measurement m = MeasureCommand.compute(manifestFile);
        if (manifestFile == null) {
            // no manifest: the program given on the command line is the entry
            try {
                m = Measurement.of(Cli.HOST, runtimeJars(), null, program);
            } catch (IOException e) {
                throw new UserError("sealed key: " + e.getMessage());
            }
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            mac.update("arca-seal-v1".getBytes(StandardCharsets.UTF_8));
            System.err.println("arca: WARNING: volume key sealed in sim mode (insecure, for development)");
            return VolumeKey.fromKeyFile(mac.doFinal(m.bytes()));
        } catch (GeneralSecurityException e) {
            throw new UserError("sealed key: HMAC-SHA256 unavailable");
        } catch (ErrnoException e) {
            throw new UserError("sealed key: " + e.getMessage());
        }
    }

    private static java.util.List<Path> runtimeJars() throws IOException {
        try {
            Path jar = Path.of(SealedKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? Measurement.runtimeJars(Cli.HOST, jar) : java.util.List.of();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The installation's sealing secret, made on first use (mode 0600). */
    private static byte[] secret() throws UserError {
        Path dir = SimProvider.defaultConfigDir(Cli.HOST).resolve("sim");
        Path file = dir.resolve("seal.key");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Path tmp = Files.createTempFile(dir, ".seal-", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, fresh);
                try {
                    Files.createLink(file, tmp); // another process may have made it first: keep theirs
                } catch (FileAlreadyExistsException ignored) {
                    // keep the existing secret
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            byte[] s = Files.readAllBytes(file);
            if (s.length != 32) throw new UserError("sealed key: " + file + " is damaged (not 32 bytes)");
            return s;
        } catch (IOException e) {
            throw new UserError("sealed key: " + e.getMessage());
        }
    }
}
