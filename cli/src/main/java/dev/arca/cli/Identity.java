package dev.arca.cli;

import dev.arca.Manifest;
import dev.arca.ManifestException;
import dev.arca.Mount;
import dev.arca.Program;
import dev.arca.ProgramException;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.measure.Measurement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an instance is measured by, each read from the host once: the manifest's bytes (the
 * manifest the instance runs by is parsed from them) and the program's bytes. Its {@link
 * Measurement} is made from those same bytes on first need, so a host that swaps the manifest or
 * the program between two reads cannot make the instance attest as one thing and run as
 * another.
 *
 * <p>The peer policy files a manifest names are read once here too, but are not measured: two
 * instances that pin each other's measurement (a proxy and its backend) could not both be
 * measured if each identity contained the other's. A host that can replace a policy file can
 * therefore make an instance trust another attested peer; policies that name a signer or a
 * coordinator rather than each other's measurement are the way out (docs/sockets.md).
 */
final class Identity {
    private final Manifest manifest; // null: none
    private final byte[] program; // null: the manifest's entry
    private final Map<Path, byte[]> policies = new HashMap<>(); // guarded by this
    private boolean policiesGiven; // guarded by this: only policies given by givePolicy, none read from the host
    private final Map<Path, String> imageRoots = new HashMap<>(); // guarded by this
    private Measurement measurement; // guarded by this

    private Identity(Manifest manifest, byte[] program) {
        this.manifest = manifest;
        this.program = program;
    }

    /** @param program the module that runs, or null for the manifest's entry */
    static Identity of(Manifest manifest, byte[] program) {
        return new Identity(manifest, program);
    }

    /** Reads {@code manifestFile} (null: none). Errors: UserError for a bad manifest. */
    static Identity of(Path manifestFile, byte[] program) throws UserError {
        try {
            return new Identity(manifestFile == null ? null : Manifest.read(manifestFile), program);
        } catch (ManifestException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * The manifest's mounts, each image pinned to the root hash this identity measures it by (a
     * mount that already names one keeps it): the image the instance mounts is the image its
     * evidence names, even if the host replaces the file after it was measured.
     */
    synchronized List<Mount> pinnedMounts() throws UserError {
        List<Mount> out = new ArrayList<>();
        if (manifest == null) return out;
        for (Mount m : manifest.mounts()) {
            if (m instanceof Mount.Image img && img.expectedRootHash() == null) {
                out.add(new Mount.Image(img.file(), img.guestPath(), imageRoot(img.file())));
            } else if (m instanceof Mount.Union u && u.expectedImageRootHash() == null) {
                out.add(new Mount.Union(u.image(), u.volume(), u.guestPath(), u.key(), imageRoot(u.image()), u.replicated()));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** The root hash (hex) an image mount is measured by: the one it is pinned to, or its file's. */
    private String measuredRoot(String pinned, Path file) throws UserError {
        return pinned != null ? pinned.replaceFirst("^sha256:", "").toLowerCase(java.util.Locale.ROOT) : imageRoot(file);
    }

    /** The root hash (hex) of the image in {@code file}, computed once. */
    private synchronized String imageRoot(Path file) throws UserError {
        Path p = file.toAbsolutePath().normalize();
        String root = imageRoots.get(p);
        if (root == null) {
            try (Volumes volumes = new Volumes(Cli.HOST)) {
                root = HexFormat.of().formatHex(volumes.image(p, null, null).rootHash());
            }
            imageRoots.put(p, root);
        }
        return root;
    }

    /** The peer policy in {@code file}, from the bytes read (once) for the measurement too. */
    Policy peerPolicy(Path file) throws UserError {
        try {
            return Policy.parse(policyBytes(file));
        } catch (AttestationException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    /**
     * The peer policies this identity uses, given (a service's, from the replicated state, keyed by
     * the path its manifest names them by); from then on no policy is read from the host.
     */
    synchronized void givePolicies(Map<Path, byte[]> given) {
        given.forEach((p, b) -> policies.put(p.toAbsolutePath().normalize(), b.clone()));
        policiesGiven = true;
    }

    private synchronized byte[] policyBytes(Path file) throws UserError {
        Path p = file.toAbsolutePath().normalize();
        byte[] b = policies.get(p);
        if (b == null && policiesGiven) throw new UserError("peer policy " + p.getFileName() + " was not deployed with the service");
        if (b == null) {
            b = OperatorFile.read(p, OperatorFile.MAX_POLICY, "policy ");
            policies.put(p, b);
        }
        return b;
    }

    /**
     * The instance's measurement: the runtime's jars, the manifest, the program and the root hash of
     * each image the manifest mounts (alone or under a union's volume).
     */
    synchronized Measurement measurement() throws UserError {
        if (measurement != null) return measurement;
        try {
            byte[] mf = null, entry = program;
            Map<String, String> images = new TreeMap<>();
            if (manifest != null) {
                mf = manifest.bytes(); // the bytes measured are the bytes parsed
                if (entry == null && manifest.entry() != null) {
                    try {
                        entry = Program.load(manifest.entry()).bytes();
                    } catch (ProgramException e) {
                        throw new UserError("entry module " + e.getMessage());
                    }
                }
                // read-only images become part of the identity by their integrity root hash: the
                // one the mount is pinned to (pinnedMounts), or the one the manifest names
                for (Mount mount : manifest.mounts()) {
                    if (mount instanceof Mount.Image img) {
                        images.put(img.guestPath(), measuredRoot(img.expectedRootHash(), img.file()));
                    } else if (mount instanceof Mount.Union u) { // the image under a union's volume (the volume is data, as any volume's)
                        images.put(u.guestPath(), measuredRoot(u.expectedImageRootHash(), u.image()));
                    }
                }
            }
            measurement = Measurement.of(Cli.HOST, MeasureCommand.runtimeJars(), mf, entry, images);
            return measurement;
        } catch (IOException e) {
            throw new UserError("measure: " + e.getMessage());
        }
    }

}
