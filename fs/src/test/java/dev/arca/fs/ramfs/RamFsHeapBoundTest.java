package dev.arca.fs.ramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a full ramfs costs the JVM, as an attacker would try it: each way a guest can make ramfs
 * hold memory (file data grown and shrunk, empty files with long names, deep directories, hard
 * links, symbolic link targets, appends, sparse writes) runs against a 16 MiB ramfs inside a
 * JVM whose whole heap is 80 MiB, until ENOSPC. If any of them holds memory the capacity does not
 * count, that JVM runs out of heap (and this one, which runs the test suite, is not put at risk).
 */
class RamFsHeapBoundTest {
    static final long CAPACITY = 16 << 20;
    static final int MOST = 2_000_000; // more than any honest accounting lets in

    @Test
    void aFullRamFsFitsInAHeapFiveTimesItsCapacity() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        StringBuilder failed = new StringBuilder();
        for (String attack : Attacks.ALL) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx80m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), Attacks.class.getName(), attack));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(attack + ": did not finish in 300 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) failed.append(attack).append(": exit ").append(p.exitValue()).append(": ").append(out.strip()).append('\n');
        }
        assertEquals("", failed.toString());
    }

    /** Runs in the small JVM: every attack, each on a fresh ramfs, each until ENOSPC. */
    public static final class Attacks {
        interface Step {
            void run(int i) throws ErrnoException;
        }

        static RamFs fs;

        static void untilFull(String what, Step step) throws ErrnoException {
            for (int i = 0; i < MOST; i++) {
                try {
                    step.run(i);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOSPC) throw e;
                    System.out.println(what + ": ENOSPC after " + i);
                    return;
                }
            }
            System.out.println(what + ": no ENOSPC after " + MOST);
            System.exit(2);
        }

        /** A name of 255 bytes, different for each i (as a guest's would be: a new string each time). */
        static String name(int i) {
            String p = Integer.toString(i);
            return p + "x".repeat(255 - p.length());
        }

        static Node fresh() {
            fs = new RamFs(() -> 0L, CAPACITY);
            return fs.root();
        }

        static final List<String> ALL = List.of("truncate", "files", "directories", "deep", "links", "symlinks",
                "appends", "sparse", "renames");

        public static void main(String[] args) throws Exception {
            Node root = fresh();
            switch (args[0]) {
                case "truncate" -> untilFull("truncate up and down, file after file", i -> {
                    Node f = root.createFile("f" + i, true);
                    f.truncate(CAPACITY - (256 << 10));
                    f.truncate(0);
                });
                case "files" -> untilFull("empty files with long names", i -> root.createFile(name(i), true));
                case "directories" -> untilFull("directories with long names", i -> root.createDirectory(name(i)));
                case "deep" -> {
                    Node[] at = {root};
                    untilFull("deep directories", i -> {
                        at[0].createDirectory("d");
                        at[0] = at[0].lookup("d");
                    });
                }
                case "links" -> {
                    Node target = root.createFile("t", true);
                    untilFull("hard links with long names", i -> root.link(name(i), target));
                }
                case "symlinks" -> untilFull("symbolic links with long targets", i -> root.createSymlink("l" + i, name(i).repeat(16)));
                case "appends" -> untilFull("appends just past each doubling, to many files", i -> {
                    FileHandle h = root.createFile("a" + (i / 129), false).open(false, true);
                    h.write(ByteBuffer.wrap(new byte[512]), (i % 129) * 512L);
                    h.close();
                });
                case "sparse" -> untilFull("sparse writes far past the end", i -> {
                    FileHandle h = root.createFile("s" + i, true).open(false, true);
                    h.write(ByteBuffer.wrap(new byte[] {1}), (1L << 30) + i);
                    h.close();
                });
                case "renames" -> untilFull("renames to ever longer names", i -> {
                    root.createFile("r" + i, true);
                    root.rename("r" + i, root, name(i));
                });
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }
}
