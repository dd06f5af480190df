package dev.arca;

import java.io.IOException;

/**
 * Attestation evidence for the guest's {@code /dev/attestation} (Gramine's interface: a guest
 * writes 64 bytes of report data to {@code user_report_data} and reads {@code quote}). An instance
 * without one has no {@code /dev/attestation}. The {@code arca} command gives the configured
 * provider (sim or configfs-tsm); an embedder gives its own.
 */
public interface EvidenceSource {
    /** What {@code /dev/attestation/attestation_type} reads: "sim", "tsm", ... */
    String type();

    /** Evidence over {@code reportData} (exactly 64 bytes). Errors: IOException, which the guest sees as EIO. */
    byte[] quote(byte[] reportData) throws IOException;
}
