package dev.arca.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every libc function {@link LinuxCalls} binds, through the one descriptor they share: arguments
 * in the right places (results checked with the JDK's own file API), int results and errno read
 * back right, and memory the host could write past refused.
 */
class LinuxCallsTest {
    @TempDir
    Path tmp;

    @Test
    void everyFunctionGetsItsArgumentsAndGivesItsResult() throws Exception {
        int dir = LinuxCalls.openat(LinuxCalls.AT_FDCWD, tmp.toString(), LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY, 0);
        try {
            LinuxCalls.mkdirat(dir, "d", 0750);
            assertTrue(Files.isDirectory(tmp.resolve("d")));
            assertEquals(Errno.EEXIST, errno(() -> LinuxCalls.mkdirat(dir, "d", 0750)));

            int f = LinuxCalls.openat(dir, "f", LinuxCalls.O_RDWR | LinuxCalls.O_CREAT | LinuxCalls.O_EXCL, 0640);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(10_000);
                for (int i = 0; i < 10_000; i++) out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
                assertEquals(10_000, LinuxCalls.pwrite(f, out, 10_000, 5));
                MemorySegment in = a.allocate(10_005);
                assertEquals(10_005, LinuxCalls.pread(f, in, 10_005, 0));
                assertEquals(0, in.get(ValueLayout.JAVA_BYTE, 4));
                assertEquals((byte) (9_999 * 7), in.get(ValueLayout.JAVA_BYTE, 10_004));
                assertEquals(5, LinuxCalls.pread(f, in, 10_005, 10_000)); // short at the end
                LinuxCalls.fsync(f, true);
                LinuxCalls.fsync(f, false);
                HostStat s = LinuxCalls.statx(f, "");
                assertEquals(HostStat.Kind.FILE, s.kind());
                assertEquals(10_005, s.size());
                LinuxCalls.ftruncate(f, 3 << 20);
                assertEquals(3 << 20, Files.size(tmp.resolve("f")));
                LinuxCalls.fallocate(f, LinuxCalls.FALLOC_FL_PUNCH_HOLE | LinuxCalls.FALLOC_FL_KEEP_SIZE, 0, 3 << 20);
                assertEquals(3 << 20, Files.size(tmp.resolve("f")));
                assertEquals(10_005, LinuxCalls.pread(f, in, 10_005, 0));
                assertEquals(0, in.get(ValueLayout.JAVA_BYTE, 10_004)); // the hole reads as zeros
                assertTrue(LinuxCalls.tryFlock(f, true));
                assertFalse(LinuxCalls.isatty(f));
            } finally {
                LinuxCalls.close(f);
            }
            assertEquals(Errno.EBADF, errno(() -> LinuxCalls.fsync(f, false))); // closed

            LinuxCalls.utimensat(dir, "f", -1, 1_234_567_891_000_000_123L);
            assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(1_234_567_891L, 123)),
                    Files.getLastModifiedTime(tmp.resolve("f"), LinkOption.NOFOLLOW_LINKS));
            LinuxCalls.symlinkat("f", dir, "l");
            assertEquals("f", LinuxCalls.readlinkat(dir, "l"));
            assertEquals(HostStat.Kind.SYMLINK, LinuxCalls.statx(dir, "l").kind());
            LinuxCalls.linkat(dir, "f", dir, "g", 0);
            LinuxCalls.renameat(dir, "g", dir, "h");
            assertTrue(Files.isSameFile(tmp.resolve("f"), tmp.resolve("h")));
            int sub = LinuxCalls.openat2(dir, "d", LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY, 0, LinuxCalls.RESOLVE_BENEATH);
            LinuxCalls.close(sub);
            assertEquals(Errno.EXDEV, errno(() -> LinuxCalls.openat2(dir, "../x", LinuxCalls.O_RDONLY, 0, LinuxCalls.RESOLVE_BENEATH)));
            Set<String> names = LinuxCalls.readdir(LinuxCalls.openat(dir, ".", LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY, 0))
                    .stream().map(LinuxCalls.Dirent::name).collect(Collectors.toSet());
            assertEquals(Set.of("d", "f", "h", "l"), names);
            LinuxCalls.unlinkat(dir, "l", 0);
            LinuxCalls.unlinkat(dir, "d", LinuxCalls.AT_REMOVEDIR);
            assertEquals(Errno.ENOENT, errno(() -> LinuxCalls.unlinkat(dir, "d", LinuxCalls.AT_REMOVEDIR)));
            assertEquals(Errno.ENOENT, errno(() -> LinuxCalls.openat(dir, "missing", LinuxCalls.O_RDONLY, 0)));
        } finally {
            LinuxCalls.close(dir);
        }
    }

    @Test
    void memoryTheHostCouldOverrunIsRefused() throws Exception {
        int f = LinuxCalls.openat(LinuxCalls.AT_FDCWD, tmp.resolve("f").toString(), LinuxCalls.O_RDWR | LinuxCalls.O_CREAT, 0600);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment heap = MemorySegment.ofArray(new byte[64]); // no address the host may use
            assertThrows(IllegalArgumentException.class, () -> LinuxCalls.pread(f, heap, 64, 0));
            assertThrows(IllegalArgumentException.class, () -> LinuxCalls.pwrite(f, heap, 64, 0));
            MemorySegment small = a.allocate(16);
            assertThrows(IllegalArgumentException.class, () -> LinuxCalls.pread(f, small, 17, 0));
            assertThrows(IllegalArgumentException.class, () -> LinuxCalls.pwrite(f, small, 17, 0));
            assertThrows(IllegalArgumentException.class, () -> LinuxCalls.pread(f, small, -1, 0));
        } finally {
            LinuxCalls.close(f);
        }
    }

    private interface Call {
        void run() throws ErrnoException;
    }

    private static Errno errno(Call c) {
        return assertThrows(ErrnoException.class, c::run).errno();
    }
}
