package dev.arca.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.kernel.pipe.Pipe;
import dev.arca.syscall.arca.ArcaAbi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SDK's arca_abi.h is generated from the SyscallTable and ArcaAbi: this keeps the file equal
 * to them (the header's own _Static_asserts then check clang's layout when the SDK is built).
 */
class AbiHeaderTest {
    private static final String REGENERATE = "regenerate it with: ./arca syscalls --c-header > sdk/libarca/arca_abi.h";

    @Test
    void arcaAbiHEqualsTheTable() throws IOException {
        Path root = SyscallDocsTest.repoRoot();
        assertNotNull(root, "no directory with 'arca' and 'pom.xml' above " + Path.of("").toAbsolutePath());
        Path header = root.resolve("sdk/libarca/arca_abi.h");
        assertTrue(Files.isRegularFile(header), header + " is missing; " + REGENERATE);
        assertEquals(SyscallTable.cHeader(), Files.readString(header, StandardCharsets.UTF_8), header + " is out of date; " + REGENERATE);
    }

    @Test
    void theStructsHaveTheLayoutsTheKernelReads() {
        assertEquals(24, ArcaAbi.SPAWN_ACTION.size());
        assertEquals(20, ArcaAbi.SPAWN_ACTION.offset("path_len"));
        assertEquals(24, ArcaAbi.LOCK.size());
        assertEquals(8, ArcaAbi.LOCK.offset("start"), "an int64_t is 8-aligned");
    }

    @Test
    void everyArcaCallHasAPrototype() {
        String h = SyscallTable.cHeader();
        for (Syscall s : SyscallTable.all()) {
            if (!s.module().equals(SyscallTable.ARCA)) continue;
            assertTrue(h.contains("ARCA_IMPORT(" + s.name() + ") int32_t __arca_" + s.name() + "("), s.name());
        }
    }

    /** The SDK's <limits.h> says PIPE_BUF itself (it cannot include the header); it must be the kernel's. */
    @Test
    void theSdkPipeBufIsTheKernels() throws IOException {
        String limits = Files.readString(SyscallDocsTest.repoRoot().resolve("sdk/include/limits.h"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("#define PIPE_BUF (\\d+)").matcher(limits);
        assertTrue(m.find(), "sdk/include/limits.h defines PIPE_BUF");
        assertEquals(Pipe.PIPE_BUF, Integer.parseInt(m.group(1)));
    }
}
