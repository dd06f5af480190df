package dev.arca.attestation;

/** The kinds of evidence Arca makes or verifies. */
public enum EvidenceType {
    SGX_DCAP("sgx"),
    TDX("tdx"),
    SEV_SNP("sev-snp"),
    /** Arca's software evidence: a per-installation key, insecure by construction. */
    SIM("sim");

    private final String label;

    EvidenceType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
