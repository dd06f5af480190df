package dev.arca.cli;

import dev.arca.Diagnostics;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whom a command runs for: this JVM's own process (its environment, working directory and
 * standard streams), or a client of a resident node ({@code arca run --node}), whose environment,
 * working directory and streams came over the node's socket. What the command reads from "the
 * user" (variables such as ARCA_CACHE_DIR, relative paths, its standard streams, where its own
 * lines go) comes from here; what belongs to the node (its attestation provider and identity,
 * the runtime that is measured) stays the node's.
 */
final class Session {
    private static final ScopedValue<Session> CURRENT = ScopedValue.newInstance();

    /** This JVM's own process. */
    private static final Session OWN = new Session(null, null, null, null, null, 0);

    private final Map<String, String> env; // null: the host's
    private final Path cwd; // null: the JVM's
    final InputStream in;
    final OutputStream out;
    final OutputStream err;
    final int terminals; // bit i: stream i is a terminal at the client
    final long t0 = System.nanoTime();
    volatile Console.LogFormat format;
    volatile Diagnostics sink;
    /** The instance the session's run made, once made (a client's signals go to its first process). */
    volatile dev.arca.Instance instance;

    private Session(Map<String, String> env, Path cwd, InputStream in, OutputStream out, OutputStream err, int terminals) {
        this.env = env;
        this.cwd = cwd;
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminals = terminals;
    }

    /** A client's session: {@code cwd} absolute. */
    static Session remote(Map<String, String> env, Path cwd, InputStream in, OutputStream out, OutputStream err, int terminals) {
        if (!cwd.isAbsolute()) throw new IllegalArgumentException("working directory " + cwd + " is not absolute");
        return new Session(Map.copyOf(env), cwd, in, out, err, terminals);
    }

    static Session current() {
        return CURRENT.orElse(OWN);
    }

    /** Runs {@code body} with {@code s} as the current session (on this thread and what it calls). */
    static <R, X extends Throwable> R call(Session s, ScopedValue.CallableOp<R, X> body) throws X {
        return ScopedValue.where(CURRENT, s).call(body);
    }

    boolean own() {
        return this == OWN;
    }

    String env(String name) {
        return env == null ? Cli.HOST.environment(name) : env.get(name);
    }

    /** {@code p} resolved against the session's working directory (null stays null). */
    Path resolve(Path p) {
        return p == null || cwd == null ? p : cwd.resolve(p);
    }

    OutputStream stderr() {
        return err == null ? Cli.HOST.stderr() : err;
    }
}
