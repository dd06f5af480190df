package dev.arca.cli;

import dev.arca.Program;
import dev.arca.ProgramException;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.measure.Measurement;
import dev.arca.host.OpenMode;
import java.io.IOException;
import java.net.URISyntaxException;
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

    @Option(names = "--program", paramLabel = "FILE",
            description = "The module 'arca run' is given on its command line, measured in place of the manifest's entry (what runs is what is measured).")
    Path program;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws UserError {
        byte[] programBytes = null;
        if (program != null) {
            try {
                programBytes = Program.load(program).bytes();
            } catch (ProgramException e) {
                throw new UserError(e.getMessage());
            }
        }
        Measurement m = compute(manifest, programBytes);
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
        return compute(manifest, null);
    }

    /**
     * The measurement of an instance that runs {@code program} (the module given on the command
     * line, or null for the manifest's entry). What runs is what is measured: a program given in
     * place of the manifest's entry must not borrow the entry's identity.
     */
    static Measurement compute(Path manifest, byte[] program) throws UserError {
        return Identity.of(manifest, program).measurement();
    }

    /** The jars of this build of Arca (none when run from classes, as in unit tests). */
    static List<Path> runtimeJars() throws IOException {
        Path jar;
        try {
            jar = Path.of(MeasureCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try {
            Cli.HOST.openFile(jar, OpenMode.READ).close(); // a regular file: the jar
        } catch (ErrnoException e) {
            return List.of(); // a directory of classes
        }
        return Measurement.runtimeJars(Cli.HOST, jar);
    }
}
