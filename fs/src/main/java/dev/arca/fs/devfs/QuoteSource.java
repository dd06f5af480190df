package dev.arca.fs.devfs;

import java.io.IOException;

/**
 * Where {@code /dev/attestation/quote} gets its evidence: an adapter over an attestation provider,
 * given to {@link DevFs} by whoever builds the instance (the fs module knows nothing of
 * attestation).
 */
public interface QuoteSource {
    /** What {@code /dev/attestation/attestation_type} reads: "sim", "tsm", ... */
    String type();

    /** Evidence over {@code reportData} (exactly 64 bytes); IOException when the provider fails. */
    byte[] quote(byte[] reportData) throws IOException;
}
