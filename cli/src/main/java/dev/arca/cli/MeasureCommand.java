package dev.arca.cli;

import dev.arca.attestation.measure.Measurement;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the instance's measurement (see {@link Measurement}). */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = {"Print the instance's measurement: SHA-256 over the Arca runtime build (its jars), the manifest, the entry module and the root hash of each image the manifest mounts.",
                "The same inputs give the same hash on any machine."})
final class MeasureCommand implements Callable<Integer> {
    @Option(names = "--manifest", paramLabel = "FILE", description = "The instance's manifest (arca.json); its entry module is measured too.")
    Path manifest;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws UserError {
        Measurement m = compute(manifest);
        if (json) {
            var o = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            o.put("measurement", m.measurement()).put("runtime", m.runtime()).put("manifest", m.manifest()).put("entry", m.entry());
            var images = o.putObject("images");
            m.images().forEach(images::put);
            var jars = o.putObject("jars");
            m.jars().forEach(jars::put);
            System.out.println(o.toPrettyString());
        } else {
            System.out.println(m.measurement());
            System.out.println("  runtime  " + m.runtime() + " (" + m.jars().size() + " jars)");
            System.out.println("  manifest " + m.manifest());
            System.out.println("  entry    " + m.entry());
            m.images().forEach((path, root) -> System.out.println("  image    " + path + " " + root));
        }
        return 0;
    }

    static Measurement compute(Path manifest) throws UserError {
        try {
            Path jar = Path.of(MeasureCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<Path> jars = Files.isRegularFile(jar) ? Measurement.runtimeJars(Cli.HOST, jar) : List.of();
            byte[] mf = null, entry = null;
            java.util.Map<String, String> images = new java.util.TreeMap<>();
            if (manifest != null) {
                Manifest parsed = Manifest.read(manifest);
                mf = Files.readAllBytes(manifest);
                if (parsed.entry() != null) {
                    Path e = manifest.toAbsolutePath().getParent().resolve(parsed.entry());
                    if (!Files.isRegularFile(e)) {
                        throw new UserError("entry module " + e + ": no such file");
                    }
                    entry = Files.readAllBytes(e);
                }
                // read-only images become part of the identity by their integrity root hash
                try (Volumes volumes = new Volumes(new dev.arca.host.LinuxHost())) {
                    for (Manifest.MountSpec mount : parsed.mounts()) {
                        if (!mount.type().equals("image")) continue;
                        if (mount.source() == null) throw new UserError("manifest: image mount at " + mount.path() + " needs a source");
                        Path img = manifest.toAbsolutePath().getParent().resolve(mount.source());
                        images.put(mount.path(), java.util.HexFormat.of().formatHex(volumes.image(img, null, null).rootHash()));
                    }
                }
            }
            return Measurement.of(Cli.HOST, jars, mf, entry, images);
        } catch (IOException | URISyntaxException e) {
            throw new UserError("measure: " + e.getMessage());
        }
    }
}
