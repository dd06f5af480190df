package dev.arca.cli;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;

/** What every command of the CLI shares: the one door to the host. */
final class Cli {
    private Cli() {}

    static final Host HOST = new LinuxHost();
}
