package dev.arca;

/**
 * A mount cannot be made, or a volume cannot be committed when the instance closes: a missing
 * host directory, a volume with the wrong key, a tampered or rolled-back volume or image, a
 * volume already in use, two mounts at one path.
 */
public final class MountException extends ArcaException {
    private static final long serialVersionUID = 1L;

    /** @param message one line, fit to show a user as it is */
    public MountException(String message) {
        super(message);
    }
}
