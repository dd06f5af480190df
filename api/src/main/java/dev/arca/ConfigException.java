package dev.arca;

/**
 * The instance's configuration cannot be used as given: an unusable cache or state directory, a
 * key file that holds no key, a volume without a key.
 */
public final class ConfigException extends ArcaException {
    private static final long serialVersionUID = 1L;

    /** @param message one line, fit to show a user as it is */
    public ConfigException(String message) {
        super(message);
    }
}
