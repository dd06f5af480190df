package dev.arca.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/syscalls.md is generated from the SyscallTable; this keeps the two equal. */
class SyscallDocsTest {
    private static final String REGENERATE = "regenerate it with: ./arca syscalls --markdown > docs/syscalls.md";

    /** The repository root: the nearest directory above the working directory with arca and pom.xml. */
    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("arca")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        return null;
    }

    @Test
    void docsSyscallsMdEqualsTheTable() throws IOException {
        Path root = repoRoot();
        assertNotNull(root, "no directory with 'arca' and 'pom.xml' above " + Path.of("").toAbsolutePath());
        Path doc = root.resolve("docs/syscalls.md");
        assertTrue(Files.isRegularFile(doc), doc + " is missing; " + REGENERATE);
        String onDisk = Files.readString(doc, StandardCharsets.UTF_8);
        assertEquals(SyscallTable.markdown(), onDisk, doc + " is out of date; " + REGENERATE);
    }
}
