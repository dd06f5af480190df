package dev.arca.cli;

import dev.arca.LinearMemory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A start-up shortcut for the common {@code arca run [OPTIONS] PROGRAM [ARGS...]}: fills {@link
 * RunCommand}'s fields itself, without building picocli's full model, which costs about 200 ms on
 * a cold JVM (picocli's classes are Java 5 class files, which the JDK's AOT cache cannot keep
 * linked). No reflection either: reading the options' annotations and setting fields
 * reflectively cost a run with one flag about 20 ms (annotation proxies and field accessors are
 * classes spun at run time), so each option is written out here; {@code QuickParseTest} checks
 * that every option of RunCommand is here, and reads the same as picocli. It accepts only what
 * it fully understands; anything else (help, version, an unknown or malformed option) returns
 * false and picocli parses the command line as usual, so errors and help come from one place.
 */
final class QuickParse {
    private QuickParse() {}

    /** Options that take a value; the setter throws IllegalArgumentException for a value picocli would refuse. */
    static final Map<String, BiConsumer<RunCommand, String>> VALUED = Map.ofEntries(
            Map.entry("--dir", (c, v) -> c.dirs.add(v)),
            Map.entry("--ro-dir", (c, v) -> c.roDirs.add(v)),
            Map.entry("--volume", (c, v) -> c.volumeSpecs.add(v)),
            Map.entry("--commit", (c, v) -> c.commit = v),
            Map.entry("--cache-inodes", (c, v) -> c.cacheInodes = v),
            Map.entry("--block-cache", (c, v) -> c.blockCache = v),
            Map.entry("--image", (c, v) -> c.imageSpecs.add(v)),
            Map.entry("--union", (c, v) -> c.unionSpecs.add(v)),
            Map.entry("--key-file", (c, v) -> c.keyFile = Path.of(v)),
            Map.entry("--key-broker", (c, v) -> c.keyBroker = v),
            Map.entry("--key-broker-policy", (c, v) -> c.keyBrokerPolicy = Path.of(v)),
            Map.entry("--env", (c, v) -> c.envs.add(v)),
            Map.entry("--listen", (c, v) -> c.listens.add(v)),
            Map.entry("--connect", (c, v) -> c.connects.add(v)),
            Map.entry("--manifest", (c, v) -> c.manifestFile = Path.of(v)),
            Map.entry("--cache-dir", (c, v) -> c.cacheDir = Path.of(v)),
            Map.entry("--engine", (c, v) -> c.engineName = v),
            Map.entry("--log-format", (c, v) -> c.logFormat = Console.LogFormat.valueOf(v)),
            Map.entry("--memory-impl", (c, v) -> c.memoryKind = LinearMemory.valueOf(v)),
            Map.entry("--cluster", (c, v) -> c.cluster = v),
            Map.entry("--cluster-name", (c, v) -> c.clusterName = v),
            Map.entry("--cluster-policy", (c, v) -> c.clusterPolicy = Path.of(v)),
            Map.entry("--node", (c, v) -> c.node = Path.of(v)));

    /** Options without a value. */
    static final Map<String, java.util.function.Consumer<RunCommand>> FLAGS = Map.of(
            "--sealed-key", c -> c.sealedKey = true,
            "--no-cache", c -> c.noCache = true,
            "--interpret", c -> c.interpret = true,
            "--replicate", c -> c.replicate = true);

    static boolean parse(String[] args, RunCommand cmd) {
        if (args.length < 2 || !args[0].equals("run")) return false;
        try {
            int i = 1;
            for (; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("-")) break;
                if (!a.startsWith("--") || a.equals("--")) return false;
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                var flag = FLAGS.get(name);
                if (flag != null) {
                    if (eq >= 0) return false;
                    flag.accept(cmd);
                    continue;
                }
                BiConsumer<RunCommand, String> set = VALUED.get(name);
                if (set == null) return false;
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else {
                    // a value that looks like an option is picocli's call (it refuses option names)
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) return false;
                    value = args[++i];
                }
                set.accept(cmd, value);
            }
            if (i >= args.length) return false; // no PROGRAM: let picocli decide (manifest entry)
            cmd.program = Path.of(args[i]);
            cmd.args = new java.util.ArrayList<>(List.of(args).subList(i + 1, args.length));
            return true;
        } catch (RuntimeException e) {
            return false; // e.g. an enum value or a path picocli would refuse: its error message
        }
    }
}
