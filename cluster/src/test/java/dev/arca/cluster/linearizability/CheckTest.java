package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: verdicts as exit status 0/1/2, bad input as one line on stderr and 125. */
class CheckTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Check.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path history(String name, List<Operation<KvOperation, KvResult>> ops) throws IOException {
        Path p = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(p)) {
            KvHistory.write(w, ops);
        }
        return p;
    }

    private static void assertOneLineError(Run r, String expected) {
        assertEquals(Check.BAD_INPUT, r.status(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(expected), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @Test
    void verdictsAreExitStatuses() throws IOException {
        Path good = history("good.jsonl", new KvHistoryBuilder().put(0, "a", "1", 0, 10).get(1, "a", "1", 20, 30).build());
        Run r = run(good.toString());
        assertEquals(Check.LINEARIZABLE, r.status(), r.toString());
        assertTrue(r.out().startsWith("linearizable: 2 operations (0 pending) in 1 key, checked in "), r.out());
        assertEquals("", r.err());

        Path bad = history("bad.jsonl", new KvHistoryBuilder().put(0, "a", "1", 0, 10).get(1, "a", "2", 20, 30).build());
        r = run("--timeout", "5", bad.toString());
        assertEquals(Check.NOT_LINEARIZABLE, r.status(), r.toString());
        assertTrue(r.out().startsWith("NOT linearizable: "), r.out());
        assertTrue(r.out().contains("op 2      client 1    [20, 30]  get(\"a\") -> \"2\"   not allowed in this state"), r.out());

        r = run("--timeout", "1", history("hard.jsonl", KvHistoryBuilder.beyondAnyBudget().build()).toString());
        assertEquals(Check.UNKNOWN, r.status(), r.toString());
        assertTrue(r.out().startsWith("UNKNOWN (no verdict): "), r.out());

        Path etcd = file("etcd.log", """
                INFO  jepsen.util - 0	:invoke	:write	1
                INFO  jepsen.util - 1	:invoke	:read	nil
                INFO  jepsen.util - 0	:ok	:write	1
                INFO  jepsen.util - 1	:ok	:read	nil
                INFO  jepsen.util - 1	:invoke	:read	nil
                INFO  jepsen.util - 1	:ok	:read	nil
                """);
        r = run("--format", "jepsen-etcd", etcd.toString());
        assertEquals(Check.NOT_LINEARIZABLE, r.status(), r.toString());
        assertTrue(r.out().contains("op 5      client 1    [5, 6]  read() -> nil   not allowed in this state"), r.out());
    }

    @Test
    void badUsageAndBadFilesGetOneLine() throws IOException {
        assertOneLineError(run(), "check: no history file given\nusage: check ");
        assertOneLineError(run("--verbose", "x"), "check: unknown option --verbose\n");
        assertOneLineError(run("--timeout"), "check: --timeout needs a value\n");
        assertOneLineError(run("--timeout", "soon", "x"), "check: --timeout must be a whole number of seconds from 1 to 1000000, not soon\n");
        assertOneLineError(run("--timeout", "0", "x"), "check: --timeout must be a whole number");
        assertOneLineError(run("--format", "edn", "x"), "check: --format must be kv or jepsen-etcd, not edn\n");
        assertOneLineError(run("a", "b"), "check: one history file only\n");
        assertOneLineError(run(dir.resolve("missing").toString()), "check: " + dir.resolve("missing") + ": no such file\n");
        assertOneLineError(run(dir.toString()), "check: " + dir + ": cannot read: ");
        assertOneLineError(run("bad\0path"), "check: not a valid path: bad");
        Path broken = file("broken.jsonl", "{\"client\":1,\"op\":\"get\",\"key\":\"a\",\"call\":1,\"return\":2,\"result\":\"x\"}\n{\"client\":1}\n");
        assertOneLineError(run(broken.toString()), "check: " + broken + ": line 2: missing \"key\"\n");
        Path notEtcd = file("kv-as-etcd.log", "{\"client\":1}\n");
        assertOneLineError(run("--format", "jepsen-etcd", notEtcd.toString()), "check: " + notEtcd + ": line 1: not a Jepsen etcd log line");
        assertEquals(Check.LINEARIZABLE, run("--help").status());
    }

    /** The command as a shell test will run it: its own JVM, the verdict in the exit status, errors on one line. */
    @Test
    void runsAsItsOwnProcess() throws Exception {
        Path good = history("good.jsonl", SimulatedKvWorkload.generate(new SimulatedKvWorkload.Shape(500, 4, 3, 0.02, true), 3));
        Path broken = file("broken.jsonl", "{\"client\":1,\"op\":\"put\"\n");
        for (Path p : List.of(good, broken)) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Check.class.getName(), p.toString()));
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS));
            if (p == good) {
                assertEquals(0, process.exitValue(), out + err);
                assertTrue(out.matches("(?s)linearizable: \\d+ operations \\(\\d+ pending\\) in 3 keys(, \\d+ pending reads? left out)?, checked in .*"), out);
            } else {
                assertEquals(125, process.exitValue(), out + err);
                assertEquals("", out);
                assertTrue(err.startsWith("check: " + broken + ": line 1: not a JSON object: Unexpected end-of-input"), err);
                assertEquals(1, err.lines().count(), err);
            }
        }
    }
}
