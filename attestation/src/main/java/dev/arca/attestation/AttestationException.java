package dev.arca.attestation;

/**
 * Evidence, collateral or a peer was refused, for one specific {@link Reason}. Checked, and built
 * without a stack trace: a forged quote is an expected input, not a bug.
 */
public final class AttestationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why verification (or evidence generation) failed. Stable names: they appear in JSON output. */
    public enum Reason {
        /** The bytes do not parse: truncated, bad lengths, bad encoding. */
        MALFORMED,
        /** A well-formed structure of a version, type or algorithm this verifier does not handle. */
        UNSUPPORTED,
        /** A certificate chain does not link up (issuer, signature, CA constraints). */
        CERT_CHAIN_INVALID,
        /** The chain ends in a root that is not a trusted anchor. */
        UNTRUSTED_ROOT,
        /** A certificate is outside its validity period at the verification time. */
        CERT_EXPIRED,
        /** A certificate appears on a CRL. */
        CERT_REVOKED,
        /** A CRL is malformed, badly signed, issued by the wrong CA or outside its validity period. */
        CRL_INVALID,
        /** Collateral (TCB info, QE identity, CRLs) is absent where it is required. */
        COLLATERAL_MISSING,
        /** Collateral is malformed or badly signed. */
        COLLATERAL_INVALID,
        /** Collateral is outside its issueDate..nextUpdate window at the verification time. */
        COLLATERAL_EXPIRED,
        /** Collateral does not belong to this evidence (FMSPC, PCE id, TEE type). */
        COLLATERAL_MISMATCH,
        /** The quoting enclave's report is not signed by the PCK key. */
        QE_REPORT_SIGNATURE_INVALID,
        /** The quoting enclave's report does not bind the attestation key. */
        QE_REPORT_DATA_MISMATCH,
        /** The quoting enclave is not the one Intel's QE identity describes. */
        QE_IDENTITY_MISMATCH,
        /** The quote (or report) body signature does not verify. */
        SIGNATURE_INVALID,
        /** No TCB level in the collateral matches the platform. */
        TCB_NOT_FOUND,
        /** Fields that must agree (report TCB vs certificate, chip id, key binding) do not. */
        FIELD_MISMATCH,
        /** The evidence verified, but does not meet the policy. */
        POLICY_VIOLATION,
        /** Evidence could not be produced (provider missing or failed). */
        PROVIDER_FAILED
    }

    private final Reason reason;

    public AttestationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
