package dev.arca.cli;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.evidence.EvidenceProvider;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.evidence.TsmProvider;
import dev.arca.fs.devfs.QuoteSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configured evidence provider, for {@code arca attest quote}, RA-TLS ({@code keybroker},
 * {@code run --key-broker}) and {@code /dev/attestation}: the flag, else {@code
 * $ARCA_ATTESTATION_PROVIDER}, else tsm when configfs-tsm is present, else sim.
 */
final class Providers {
    private Providers() {}

    static String name(String flag) throws UserError {
        String name = flag != null ? flag : System.getenv("ARCA_ATTESTATION_PROVIDER");
        if (name == null || name.isEmpty()) {
            name = Files.isDirectory(TsmProvider.DEFAULT_ROOT) ? "tsm" : "sim";
        }
        if (!name.equals("sim") && !name.equals("tsm")) {
            throw new UserError("unknown attestation provider '" + name + "' (sim or tsm; from --provider or $ARCA_ATTESTATION_PROVIDER)");
        }
        return name;
    }

    /** @param manifest the manifest whose measurement sim evidence carries (as {@code arca measure}), or null */
    static EvidenceProvider create(String name, Path manifest) throws UserError {
        return name.equals("tsm") ? new TsmProvider(Cli.HOST, TsmProvider.DEFAULT_ROOT)
                : new SimProvider(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST), MeasureCommand.compute(manifest).bytes());
    }

    /**
     * {@code /dev/attestation/quote} over the configured provider. The provider is made at the
     * first quote, so an instance that never asks loads nothing of attestation. Sim evidence gives
     * one WARNING line on stderr, once.
     */
    static QuoteSource quoteSource(Path manifest) throws UserError {
        String name = name(null);
        return new QuoteSource() {
            private EvidenceProvider provider;
            private boolean warned;

            @Override
            public String type() {
                return name;
            }

            @Override
            public synchronized byte[] quote(byte[] reportData) throws IOException {
                try {
                    if (provider == null) provider = create(name, manifest);
                    byte[] out = provider.quote(reportData).encode();
                    if (name.equals("sim") && !warned) {
                        warned = true;
                        System.err.println("arca: WARNING: /dev/attestation/quote gave sim evidence, which is INSECURE (a software key, not a TEE)");
                    }
                    return out;
                } catch (UserError | AttestationException e) {
                    System.err.println("arca: /dev/attestation/quote: " + e.getMessage());
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }
}
