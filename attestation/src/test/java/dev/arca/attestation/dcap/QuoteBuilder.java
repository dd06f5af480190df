package dev.arca.attestation.dcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Rebuilds a quote with other certification data (lengths fixed up), for certificate-swap tests. */
final class QuoteBuilder {
    private QuoteBuilder() {}

    static byte[] withCertData(byte[] quote, byte[] certData) throws Exception {
        Quote q = Quote.parse(quote);
        ByteBuffer qe = ByteBuffer.allocate(384 + 64 + 2 + q.qeAuthData().length + 6 + certData.length).order(ByteOrder.LITTLE_ENDIAN);
        qe.put(q.qeReportBytes()).put(q.qeReportSignature()).putShort((short) q.qeAuthData().length).put(q.qeAuthData())
                .putShort((short) q.certDataType()).putInt(certData.length).put(certData);
        byte[] inner = qe.array();
        byte[] sigData;
        if (q.version() >= 4) {
            sigData = ByteBuffer.allocate(128 + 6 + inner.length).order(ByteOrder.LITTLE_ENDIAN)
                    .put(q.signature()).put(q.attestationKey()).putShort((short) 6).putInt(inner.length).put(inner).array();
        } else {
            sigData = ByteBuffer.allocate(128 + inner.length).put(q.signature()).put(q.attestationKey()).put(inner).array();
        }
        return ByteBuffer.allocate(q.signedRegion().length + 4 + sigData.length).order(ByteOrder.LITTLE_ENDIAN)
                .put(q.signedRegion()).putInt(sigData.length).put(sigData).array();
    }
}
