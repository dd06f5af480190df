package dev.arca.attestation;

/**
 * A platform's TCB status, ordered from best to worst so that a policy can ask for "at least"
 * one of them. Names are Intel's; AMD SEV-SNP evidence is {@link #UP_TO_DATE} when its TCB matches
 * its VCEK (AMD publishes no advisory-level status), sim evidence is {@link #INSECURE}.
 */
public enum TcbStatus {
    UP_TO_DATE("UpToDate"),
    SW_HARDENING_NEEDED("SWHardeningNeeded"),
    CONFIGURATION_NEEDED("ConfigurationNeeded"),
    CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
    OUT_OF_DATE("OutOfDate"),
    OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
    /** Signatures and certificate chain checked, but no collateral to rate the TCB. */
    NOT_EVALUATED("NotEvaluated"),
    REVOKED("Revoked"),
    /** Software (sim) evidence: no hardware protection at all. */
    INSECURE("Insecure");

    private final String intelName;

    TcbStatus(String intelName) {
        this.intelName = intelName;
    }

    /** The name used in Intel's collateral and in Arca's JSON and policy files. */
    public String intelName() {
        return intelName;
    }

    /** True when this status is at least as good as {@code minimum}. */
    public boolean meets(TcbStatus minimum) {
        return ordinal() <= minimum.ordinal();
    }

    /** Parses Intel's name; unknown names are errors. */
    public static TcbStatus fromIntel(String name) throws AttestationException {
        for (TcbStatus s : values()) {
            if (s.intelName.equals(name)) {
                return s;
            }
        }
        throw new AttestationException(AttestationException.Reason.COLLATERAL_INVALID, "unknown TCB status '" + name + "'");
    }
}
