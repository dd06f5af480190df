package dev.arca.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    private Manifest read(String json) throws Exception {
        Path f = dir.resolve("arca.json");
        Files.writeString(f, json);
        return Manifest.read(f);
    }

    @Test
    void readsEveryField() throws Exception {
        Manifest m = read("""
                {"entry": "app.wasm", "args": ["-v"], "env": {"A": "1"}, "envFromHost": ["LANG"],
                 "mounts": [{"type": "hostfs", "source": "d", "path": "/d", "readOnly": true},
                            {"type": "ramfs", "path": "/tmp"}],
                 "limits": {"memory": "64MiB", "openFiles": 10, "cpuTime": "2s", "ramfs": "1MiB"}}
                """);
        assertEquals("app.wasm", m.entry());
        assertEquals("-v", m.args().get(0));
        assertEquals("1", m.env().get("A"));
        assertTrue(m.mounts().get(0).isReadOnly());
        assertFalse(m.mounts().get(1).isReadOnly());
        assertEquals(10, m.limits().openFiles());
    }

    @Test
    void refusesUnknownKeysBrokenJsonAndMissingFiles() {
        UserError e = assertThrows(UserError.class, () -> read("{\"entry\": \"a\", \"limitz\": {}}"));
        assertTrue(e.getMessage().contains("unknown key 'limitz'"), e.getMessage());
        assertThrows(UserError.class, () -> read("{\"entry\": "));
        assertThrows(UserError.class, () -> read("{\"entry\": \"a\"} trailing"));
        assertThrows(UserError.class, () -> read("{\"mounts\": [{\"source\": \"x\"}]}"));
        assertThrows(UserError.class, () -> Manifest.read(dir.resolve("none.json")));
    }

    @Test
    void sizesAndDurations() throws Exception {
        assertEquals(64L << 20, Sizes.bytes("m", "64MiB"));
        assertEquals(1L << 30, Sizes.bytes("m", "1g"));
        assertEquals(4096, Sizes.bytes("m", "4096"));
        assertEquals(500, Sizes.millis("t", "500ms"));
        assertEquals(2000, Sizes.millis("t", "2s"));
        assertEquals(120_000, Sizes.millis("t", "2m"));
        assertThrows(UserError.class, () -> Sizes.bytes("m", "12 parsecs"));
        assertThrows(UserError.class, () -> Sizes.bytes("m", "-1"));
        assertThrows(UserError.class, () -> Sizes.bytes("m", "99999999999GiB"));
        assertThrows(UserError.class, () -> Sizes.millis("t", "soon"));
    }
}
