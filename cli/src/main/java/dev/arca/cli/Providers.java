package dev.arca.cli;

import dev.arca.EvidenceSource;
import dev.arca.abi.ErrnoException;
import dev.arca.attestation.AttestationException;
import dev.arca.attestation.evidence.EvidenceProvider;
import dev.arca.attestation.evidence.SimProvider;
import dev.arca.attestation.evidence.TsmProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The configured evidence provider, for {@code arca attest quote}, RA-TLS ({@code keybroker},
 * {@code run --key-broker}) and {@code /dev/attestation}: the flag, else {@code
 * $ARCA_ATTESTATION_PROVIDER}, else tsm when configfs-tsm is present, else sim.
 */
final class Providers {
    private Providers() {}

    static String name(String flag) throws UserError {
        String name = given(flag);
        return name != null ? name : isDirectory(TsmProvider.DEFAULT_ROOT) ? "tsm" : "sim";
    }

    /** The provider the flag or the environment names, checked; null when neither names one. */
    private static String given(String flag) throws UserError {
        String name = flag != null ? flag : Session.current().env("ARCA_ATTESTATION_PROVIDER");
        if (name == null || name.isEmpty()) return null;
        if (!name.equals("sim") && !name.equals("tsm")) {
            throw new UserError("unknown attestation provider '" + name + "' (sim or tsm; from --provider or $ARCA_ATTESTATION_PROVIDER)");
        }
        return name;
    }

    private static boolean isDirectory(Path dir) {
        try {
            Cli.HOST.openDirectory(dir).close();
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** @param manifest the manifest whose measurement sim evidence carries (as {@code arca measure}), or null */
    static EvidenceProvider create(String name, Path manifest) throws UserError {
        return create(name, Identity.of(manifest, null));
    }

    /** @param identity the instance whose measurement sim evidence carries */
    static EvidenceProvider create(String name, Identity identity) throws UserError {
        return name.equals("tsm") ? new TsmProvider(Cli.HOST, TsmProvider.DEFAULT_ROOT)
                : new SimProvider(Cli.HOST, SimProvider.defaultConfigDir(Cli.HOST), identity.measurement().bytes());
    }

    /**
     * {@code /dev/attestation/quote} over the configured provider. The provider is made at the
     * first quote, so an instance that never asks loads nothing of attestation. Sim evidence gives
     * one WARNING line, once.
     */
    static EvidenceSource evidence(Identity identity) throws UserError {
        String given = given(null); // a bad name is refused before the program starts
        return new EvidenceSource() {
            private String name = given; // else looked for at first use: a run that never asks pays nothing
            private EvidenceProvider provider;
            private boolean warned;

            @Override
            public synchronized String type() {
                if (name == null) name = isDirectory(TsmProvider.DEFAULT_ROOT) ? "tsm" : "sim";
                return name;
            }

            @Override
            public synchronized byte[] quote(byte[] reportData) throws IOException {
                String name = type();
                try {
                    if (provider == null) provider = create(name, identity);
                    byte[] out = provider.quote(reportData).encode();
                    if (name.equals("sim") && !warned) {
                        warned = true;
                        Console.warning("/dev/attestation/quote gave sim evidence, which is INSECURE (a software key, not a TEE)");
                    }
                    return out;
                } catch (UserError | AttestationException e) {
                    Console.error("/dev/attestation/quote: " + e.getMessage());
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }
}
