package dev.arca.cluster.linearizability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import dev.arca.abi.ErrnoException;
import dev.arca.host.LinuxHost;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checks a history file from the command line and prints the verdict:
 * <pre>
 * java -cp ... dev.arca.cluster.linearizability.Check [--format kv|jepsen-etcd] [--timeout SECONDS] FILE
 * </pre>
 * Exit status: 0 linearizable, 1 not linearizable, 2 unknown (the time or memory budget ran out
 * first), 125 bad usage or a file that cannot be read (one line on stderr, naming the line at fault).
 */
public final class Check {
    public static final int LINEARIZABLE = 0;
    public static final int NOT_LINEARIZABLE = 1;
    public static final int UNKNOWN = 2;
    public static final int BAD_INPUT = 125;

    private static final String USAGE = "usage: check [--format kv|jepsen-etcd] [--timeout SECONDS] FILE";
    private static final long DEFAULT_TIMEOUT_SECONDS = 60;

    private Check() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command; returns its exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String format = "kv";
        long timeout = DEFAULT_TIMEOUT_SECONDS;
        String file = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--format", "--timeout" -> {
                    if (i + 1 == args.size()) {
                        return usage(err, a + " needs a value");
                    }
                    String v = args.get(++i);
                    if (a.equals("--format")) {
                        if (!v.equals("kv") && !v.equals("jepsen-etcd")) {
                            return usage(err, "--format must be kv or jepsen-etcd, not " + v);
                        }
                        format = v;
                    } else {
                        try {
                            timeout = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            timeout = -1;
                        }
                        if (timeout <= 0 || timeout > 1_000_000) {
                            return usage(err, "--timeout must be a whole number of seconds from 1 to 1000000, not " + v);
                        }
                    }
                }
                case "-h", "--help" -> {
                    out.println(USAGE);
                    out.println("exit status: 0 linearizable, 1 not linearizable, 2 unknown (budget ran out), 125 bad input");
                    return LINEARIZABLE;
                }
                default -> {
                    if (a.startsWith("-")) {
                        return usage(err, "unknown option " + a);
                    }
                    if (file != null) {
                        return usage(err, "one history file only");
                    }
                    file = a;
                }
            }
        }
        if (file == null) {
            return usage(err, "no history file given");
        }
        Duration budget = Duration.ofSeconds(timeout);
        // through Host, the one door to the OS (design.md); a history is at most 1 GiB
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new ByteArrayInputStream(new LinuxHost().readFile(Path.of(file), 1 << 30)), StandardCharsets.UTF_8))) {
            CheckResult<?, ?> result = format.equals("kv")
                    ? LinearizabilityChecker.check(KvModel.INSTANCE, KvHistory.read(in), budget)
                    : LinearizabilityChecker.check(EtcdRegisterModel.INSTANCE, JepsenEtcdLog.read(in), budget);
            out.print(result.report());
            out.flush();
            return switch (result.verdict()) {
                case OK -> LINEARIZABLE;
                case ILLEGAL -> NOT_LINEARIZABLE;
                case UNKNOWN -> UNKNOWN;
            };
        } catch (HistoryFormatException e) {
            err.println("check: " + file + ": " + e.getMessage());
        } catch (ErrnoException e) {
            err.println("check: " + file + ": " + switch (e.errno()) {
                case ENOENT -> "no such file";
                case EACCES -> "permission denied";
                case EFBIG -> "larger than 1 GiB";
                default -> "cannot read: " + e.getMessage();
            });
        } catch (IOException e) {
            err.println("check: " + file + ": cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (java.nio.file.InvalidPathException e) {
            err.println("check: not a valid path: " + file);
        }
        return BAD_INPUT;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("check: " + problem);
        err.println(USAGE);
        return BAD_INPUT;
    }
}
