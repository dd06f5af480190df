package dev.arca.attestation.evidence;

import dev.arca.attestation.AttestationException;

/** Makes evidence binding 64 bytes of caller data (report_data) to this instance. */
public interface EvidenceProvider {
    /** The provider's name: "sim", "tsm". */
    String name();

    /** Evidence over {@code reportData} (exactly 64 bytes), in a form {@link Evidence#parse} reads. */
    Evidence quote(byte[] reportData) throws AttestationException;
}
