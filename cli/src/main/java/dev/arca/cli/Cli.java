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
}
