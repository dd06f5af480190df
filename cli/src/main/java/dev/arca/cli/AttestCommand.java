package dev.arca.cli;

import dev.arca.attestation.Attestation;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Policy;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.VerdictJson;
import dev.arca.attestation.evidence.Evidence;
import dev.arca.attestation.evidence.EvidenceProvider;
import dev.arca.attestation.evidence.SimProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code arca attest verify} and {@code arca attest quote}. */
@Command(name = "attest", mixinStandardHelpOptions = true, description = "Make and verify attestation evidence.",
        subcommands = {AttestCommand.Verify.class, AttestCommand.Quote.class})
final class AttestCommand implements Runnable {
    /** Evidence refused or policy not met. */
    static final int REFUSED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (verify or quote)");
    }

    static byte[] read(Path p, String what) throws UserError {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new UserError(what + " " + p + ": no such file");
        } catch (IOException e) {
            throw new UserError(what + " " + p + ": cannot read: " + e.getMessage());
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Verify evidence (SGX or TDX DCAP quote, SEV-SNP report, sim evidence, or an Arca evidence bundle) and print the verdict as JSON.",
                    "Exit 0 only when it verifies and meets the policy; 1 when it is refused; 125 when a file cannot be read."},
            footer = {"", "Collateral: Intel's as dcap-qvl JSON (PCK CRL, root CA CRL, TCB info, QE identity with their chains); for SEV-SNP the VCEK (and ASK, ARK) as PEM or DER.",
                    "Without --policy: hardware evidence only, not in debug mode, TCB not revoked."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--evidence", required = true, paramLabel = "FILE", description = "The evidence.")
        Path evidence;

        @Option(names = "--collateral", paramLabel = "FILE", description = "Verification collateral (see below).")
        Path collateral;

        @Option(names = "--now", paramLabel = "ISO-8601", description = "Verify as of this instant (default: the current time).")
        String now;

        @Option(names = "--policy", paramLabel = "FILE", description = "Policy JSON (docs/attestation.md).")
        Path policy;

        @Override
        public Integer call() throws UserError {
            Instant at;
            try {
                at = now == null ? Instant.now() : Instant.parse(now);
            } catch (DateTimeParseException e) {
                throw new UserError("--now '" + now + "' is not an ISO-8601 instant (e.g. 2025-07-01T00:00:00Z)");
            }
            byte[] ev = read(evidence, "evidence");
            byte[] col = collateral == null ? null : read(collateral, "collateral");
            Policy pol = Policy.DEFAULT;
            if (policy != null) {
                try {
                    pol = Policy.parse(read(policy, "policy"));
                } catch (AttestationException e) {
                    throw new UserError(policy + ": " + e.getMessage());
                }
            }
            try {
                Attestation a = new Attestation(SimProvider.existingRoot(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST)));
                Verdict v = a.verify(Evidence.parse(ev), col, at);
                List<String> violations = pol.violations(v);
                System.out.print(VerdictJson.of(v, violations));
                if (!violations.isEmpty()) {
                    System.err.println("arca: attest: policy not met: " + String.join("; ", violations));
                    return REFUSED;
                }
                return 0;
            } catch (AttestationException e) {
                System.out.print(VerdictJson.of(e));
                System.err.println("arca: attest: refused (" + e.reason() + "): " + e.getMessage());
                return REFUSED;
            }
        }
    }

    @Command(name = "quote", mixinStandardHelpOptions = true,
            description = {"Make evidence with the configured provider over 64 bytes of report data, and print it.",
                    "sim evidence is INSECURE (a software key); tsm needs a TDX or SEV-SNP guest with configfs-tsm."})
    static final class Quote implements Callable<Integer> {
        @Option(names = "--provider", paramLabel = "sim|tsm", description = "Evidence provider (default: $ARCA_ATTESTATION_PROVIDER, else tsm when present, else sim).")
        String provider;

        @Option(names = "--report-data", paramLabel = "HEX", description = "Up to 64 bytes, hex; zero-padded (default: zeros).")
        String reportData;

        @Option(names = "--manifest", paramLabel = "FILE", description = "The manifest whose measurement sim evidence carries.")
        Path manifest;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the evidence here instead of standard output.")
        Path output;

        @Override
        public Integer call() throws UserError {
            byte[] data = new byte[64];
            if (reportData != null) {
                byte[] given;
                try {
                    given = HexFormat.of().parseHex(reportData);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--report-data is not hex");
                }
                if (given.length > 64) {
                    throw new UserError("--report-data is " + given.length + " bytes, at most 64");
                }
                System.arraycopy(given, 0, data, 0, given.length);
            }
            String name = Providers.name(provider);
            EvidenceProvider p = Providers.create(name, manifest);
            try {
                byte[] out = p.quote(data).encode();
                if (name.equals("sim")) {
                    System.err.println("arca: WARNING: sim evidence is INSECURE: it is signed by a software key, not a TEE");
                }
                if (output != null) {
                    Files.write(output, out);
                } else {
                    System.out.write(out);
                    System.out.flush();
                }
                return 0;
            } catch (AttestationException e) {
                throw new UserError("attest quote: " + e.getMessage());
            } catch (IOException e) {
                throw new UserError("attest quote: cannot write: " + e.getMessage());
            }
        }
    }
}
