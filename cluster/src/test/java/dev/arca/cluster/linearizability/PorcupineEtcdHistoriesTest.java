package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Validates the checker on the 102 Jepsen etcd histories that Porcupine publishes, each with the
 * verdict Porcupine's own tests assert. The histories are read at test time from a bare git
 * repository of Porcupine: the system property {@code arca.porcupine.git}, else
 * {@code .mirror/anishathalye+porcupine/repo} in the nearest directory above the working directory
 * that has one (the repository's {@code ../.mirror}). Without it the test is skipped.
 */
class PorcupineEtcdHistoriesTest {
    private static final String MIRROR = ".mirror/anishathalye+porcupine/repo";

    /**
     * The verdicts of Porcupine's porcupine_test.go ({@code checkJepsen(t, N, linearizable)}): these
     * 23 are linearizable, the other 79 are not, and etcd_095 is left out there ("etcd cluster failed
     * to start up in test 95": the file is empty).
     */
    private static final List<Integer> LINEARIZABLE = List.of(
            2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102);

    /** Porcupine's test has no time limit; it checks all 102 in about a second. Ten seconds each is ample here. */
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private static final Path git = find();

    private static Path find() {
        String property = System.getProperty("arca.porcupine.git");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(MIRROR))) {
                return p.resolve(MIRROR);
            }
        }
        return null;
    }

    @BeforeEach
    void needsTheHistories() {
        boolean here = git != null && Files.isDirectory(git);
        String skip = "SKIP Porcupine's etcd histories: no bare repository of github.com/anishathalye/porcupine at ../" + MIRROR
                + " (git clone --bare it there, or pass -Darca.porcupine.git=PATH of one)";
        if (!here) {
            System.out.println(skip);
        }
        Assumptions.assumeTrue(here, skip);
    }

    private static String show(String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "--git-dir", git.toString(), "show", "HEAD:" + path)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "git show " + path + " did not finish");
        assertEquals(0, p.exitValue(), "git --git-dir " + git + " show HEAD:" + path + " failed");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void verdictsAreThoseOfPorcupinesTests() throws Exception {
        // the table above, read again from the source, so a slip in copying it cannot go unnoticed
        Matcher m = Pattern.compile("checkJepsen\\(t, (\\d+), (true|false)\\)").matcher(show("porcupine_test.go"));
        Map<Integer, Boolean> theirs = new TreeMap<>();
        while (m.find()) {
            theirs.put(Integer.parseInt(m.group(1)), Boolean.parseBoolean(m.group(2)));
        }
        assertEquals(102, theirs.size(), "checkJepsen calls in porcupine_test.go");
        for (int i = 0; i <= 102; i++) {
            if (i != 95) {
                assertEquals(LINEARIZABLE.contains(i), theirs.get(i), "etcd_" + i);
            }
        }
    }

    @Test
    void everyHistoryGetsItsKnownVerdict() throws Exception {
        List<String> wrong = new ArrayList<>();
        int ok = 0, illegal = 0, operations = 0, pending = 0;
        for (int i = 0; i <= 102; i++) {
            String name = String.format("test_data/jepsen/etcd_%03d.log", i);
            String log = show(name);
            if (i == 95) {
                assertEquals("", log, "etcd_095 is the empty one");
                continue;
            }
            List<Operation<EtcdRegisterModel.Call, EtcdRegisterModel.Answer>> history = JepsenEtcdLog.read(new StringReader(log));
            CheckResult<EtcdRegisterModel.Call, EtcdRegisterModel.Answer> result =
                    LinearizabilityChecker.check(EtcdRegisterModel.INSTANCE, history, BUDGET);
            Verdict expected = LINEARIZABLE.contains(i) ? Verdict.OK : Verdict.ILLEGAL;
            if (result.verdict() != expected) {
                wrong.add(name + ": expected " + expected + ", got " + result.report());
            }
            Witness.assertValid(EtcdRegisterModel.INSTANCE, history, result);
            if (result.verdict() == Verdict.ILLEGAL) {
                // the explanation names a real operation that returned: the search stops only at a return
                assertTrue(!result.partitions().getFirst().counterexample().blocked().pending(), name);
                illegal++;
            } else {
                ok++;
            }
            operations += result.partitions().stream().mapToInt(PartitionResult::operations).sum();
            pending += result.partitions().stream().mapToInt(PartitionResult::pending).sum();
        }
        assertEquals(List.of(), wrong);
        assertEquals(23, ok);
        assertEquals(79, illegal);
        System.out.println("Porcupine's etcd histories: " + ok + " linearizable, " + illegal + " not, as Porcupine says ("
                + operations + " operations, " + pending + " pending)");
    }
}
