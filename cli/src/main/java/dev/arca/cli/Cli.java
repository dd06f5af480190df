package dev.arca.cli;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;

/** What every command of the CLI shares: the one door to the host. */
final class Cli {
    private Cli() {}

    static final Host HOST = new LinuxHost();

    /** The four bytes of an IPv4 literal already checked (e.g. by Endpoint.parse). */
    static byte[] octets(String ipv4) {
        String[] p = ipv4.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(p[i]);
        return b;
    }

    /** Where compiled modules are kept: {@code dir} if given, else the session's $ARCA_CACHE_DIR, $XDG_CACHE_HOME/arca, ~/.cache/arca. */
    static java.nio.file.Path cacheDirectory(java.nio.file.Path dir) {
        Session session = Session.current();
        if (dir != null) return session.resolve(dir);
        String env = session.env("ARCA_CACHE_DIR");
        if (env != null && !env.isEmpty()) return session.resolve(java.nio.file.Path.of(env));
        String xdg = session.env("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) return session.resolve(java.nio.file.Path.of(xdg, "arca"));
        return java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "arca");
    }

    /**
     * The compiled-module cache's bound in bytes: the session's $ARCA_CACHE_MAX_MB (MiB, 1 to
     * 1048576), else the engine's default (1 GiB). Errors: UserError for another value.
     */
    static long cacheLimit() throws UserError {
        long mb = envNumber("ARCA_CACHE_MAX_MB", 1, 1L << 20, "MiB");
        return mb < 0 ? dev.arca.engine.Engine.DEFAULT_CACHE_LIMIT : mb << 20;
    }

    /**
     * The session's ${@code name} as a whole number from {@code min} (at least 0) to {@code max};
     * -1 when unset or empty. Errors: UserError naming the variable, the unit and the range.
     */
    static long envNumber(String name, long min, long max, String unit) throws UserError {
        String env = Session.current().env(name);
        if (env == null || env.isEmpty()) return -1;
        long n;
        try {
            n = Long.parseLong(env.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) throw new UserError(name + "=" + env + ": a number of " + unit + " from " + min + " to " + max);
        return n;
    }
}
