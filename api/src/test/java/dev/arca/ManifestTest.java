package dev.arca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest reader: every field, and the hostile or sloppy inputs it must refuse with a place. */
class ManifestTest {
    @TempDir
    Path dir;

    private Manifest read(String json) throws Exception {
        Path f = dir.resolve("arca.json");
        Files.writeString(f, json);
        return Manifest.read(f);
    }

    private void assertRefused(String json, String part) {
        String m = refused(json).getMessage();
        assertTrue(m.contains(part), m);
    }

    private ManifestException refused(String json) {
        return assertThrows(ManifestException.class, () -> read(json));
    }

    @Test
    void readsEveryField() throws Exception {
        Manifest m = read("""
                {"entry": "app.wasm", "args": ["-v", ""], "env": {"A": "1", "B": ""}, "envFromHost": ["LANG"],
                 "mounts": [{"type": "hostfs", "source": "d", "path": "/d", "readOnly": true},
                            {"type": "ramfs", "path": "tmp"},
                            {"type": "encfs", "source": "v.vol", "path": "/v"},
                            {"type": "image", "source": "a.img", "path": "/a/../app", "readOnly": true},
                            {"type": "encfs", "source": "w.vol", "path": "/w", "commit": "fsync"},
                            {"type": "encfs", "source": "x.vol", "path": "/x", "commit": "names", "cacheInodes": 1000, "blockCache": "64MiB"}],
                 "limits": {"memory": "64MiB", "openFiles": 10, "cpuTime": "2s", "ramfs": "1MiB", "processes": 5}}
                """);
        assertEquals(dir.resolve("app.wasm"), m.entry());
        assertEquals(List.of("-v", ""), m.args());
        assertEquals("1", m.env().get("A"));
        assertEquals(List.of("A", "B"), List.copyOf(m.env().keySet()));
        assertEquals(List.of("LANG"), m.envFromHost());
        assertEquals(new Mount.HostDirectory(dir.resolve("d"), "/d", true), m.mounts().get(0));
        assertEquals(new Mount.Ramfs("/tmp", false), m.mounts().get(1));
        assertEquals(new Mount.Volume(dir.resolve("v.vol"), "/v", null, false), m.mounts().get(2));
        assertEquals(new Mount.Image(dir.resolve("a.img"), "/app", null), m.mounts().get(3));
        assertEquals(Mount.Commit.NAMES, ((Mount.Volume) m.mounts().get(2)).commit(), "the default");
        assertEquals(new Mount.Volume(dir.resolve("w.vol"), "/w", null, false).committing(Mount.Commit.FSYNC), m.mounts().get(4));
        assertEquals(Mount.Commit.NAMES, ((Mount.Volume) m.mounts().get(5)).commit());
        assertEquals(1000, ((Mount.Volume) m.mounts().get(5)).cacheInodes());
        assertEquals(0, ((Mount.Volume) m.mounts().get(4)).cacheInodes(), "the default");
        assertEquals(64L << 20, ((Mount.Volume) m.mounts().get(5)).blockCache());
        assertEquals(0, ((Mount.Volume) m.mounts().get(4)).blockCache(), "the default");
        assertEquals(64L << 20, m.limits().memoryBytes());
        assertEquals(10, m.limits().openFiles());
        assertEquals(Duration.ofSeconds(2), m.limits().cpuTime());
        assertEquals(1L << 20, m.limits().ramfsBytes());
        assertEquals(5, m.limits().processes());
        assertArrayEquals(Files.readAllBytes(dir.resolve("arca.json")), m.bytes());
    }

    @Test
    void aUnionIsAVolumeOverAnImage() throws Exception {
        Manifest m = read("""
                {"mounts": [{"type": "union", "image": "base.img", "source": "upper.vol", "path": "/"},
                            {"type": "union", "image": "/abs/b.img", "source": "u2.vol", "path": "/srv", "readOnly": false}]}
                """);
        assertEquals(new Mount.Union(dir.resolve("base.img"), dir.resolve("upper.vol"), "/", null), m.mounts().get(0));
        assertEquals(new Mount.Union(Path.of("/abs/b.img"), dir.resolve("u2.vol"), "/srv", null), m.mounts().get(1));
        assertNull(((Mount.Union) m.mounts().get(0)).expectedImageRootHash(), "pinned by whoever measures it");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"source\": \"u.vol\", \"path\": \"/\"}]}", "needs an \"image\"");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"image\": \"b.img\", \"path\": \"/\"}]}", "needs a \"source\"");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"image\": \"b.img\", \"source\": \"u.vol\", \"path\": \"/\", \"readOnly\": true}]}",
                "a union mount is writable");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"image\": \"\", \"source\": \"u.vol\", \"path\": \"/\"}]}", "image: an empty path");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"image\": 7, \"source\": \"u.vol\", \"path\": \"/\"}]}", "image: expected a string");
        assertRefused("{\"mounts\": [{\"type\": \"encfs\", \"image\": \"b.img\", \"source\": \"u.vol\", \"path\": \"/\"}]}", "only a union mount has an \"image\"");
        Manifest r = read("{\"mounts\": [{\"type\": \"union\", \"image\": \"b.img\", \"source\": \"u.vol\", \"path\": \"/\", \"replicated\": true}]}");
        assertEquals(new Mount.Union(dir.resolve("b.img"), dir.resolve("u.vol"), "/", null).replicatedCopy(), r.mounts().get(0));
        assertTrue(((Mount.Union) r.mounts().get(0)).replicated(), "a union's volume replicated");
        assertRefused("{\"mounts\": [{\"type\": \"image\", \"source\": \"b.img\", \"path\": \"/\", \"replicated\": true}]}",
                "only an encfs volume or a union's volume can be replicated");
        assertRefused("{\"mounts\": [{\"type\": \"union\", \"image\": \"b.img\", \"source\": \"u.vol\", \"path\": \"/\", \"commit\": \"fsync\"}]}",
                "only an encfs volume has a \"commit\"");
        assertThrows(IllegalArgumentException.class, () -> new Mount.Union(Path.of("b"), Path.of("u"), "/", null, "not a hash"));
    }

    /** A bind takes the first rule that allows its port: a later rule for the same port would never apply. */
    @Test
    void listenEntriesMayNotOverlap() throws Exception {
        ManifestException e = refused("""
                {"network": {"listen": [{"port": "8000-9000"},
                                        {"port": 8443, "tls": "ra-tls", "policy": "p.json"}]}}
                """);
        assertTrue(e.getMessage().contains("network.listen[1]: port 8443 overlaps network.listen[0] (8000-9000)"), e.getMessage());
        assertEquals(2, e.line());
        assertRefused("{\"network\": {\"listen\": [{\"port\": 0}, {\"port\": 0, \"address\": \"0.0.0.0\"}]}}", "port 0 overlaps network.listen[0] (0)");
        assertRefused("{\"network\": {\"listen\": [{\"port\": 80}, {\"port\": 81}, {\"port\": \"70-80\"}]}}", "network.listen[2]: port 70-80 overlaps network.listen[0] (80)");
        assertEquals(3, read("{\"network\": {\"listen\": [{\"port\": 80}, {\"port\": \"81-90\"}, {\"port\": 0}]}}").network().listen().size());
    }

    @Test
    void anEmptyObjectIsTheDefaults() throws Exception {
        Manifest m = read("{}");
        assertNull(m.entry());
        assertTrue(m.mounts().isEmpty());
        assertEquals(Limits.DEFAULT, m.limits());
    }

    @Test
    void refusesUnknownKeysBrokenJsonAndMissingFiles() {
        ManifestException e = refused("{\"entry\": \"a\", \"limitz\": {}}");
        assertTrue(e.getMessage().contains("unknown key 'limitz' at line 1, column 16"), e.getMessage());
        assertEquals(1, e.line());
        assertEquals(16, e.column());
        assertRefused("{\"entry\": ", "line 1");
        assertRefused("{\"entry\": \"a\"} trailing", "line 1");
        assertRefused("{\"mounts\": [{\"source\": \"x\", \"path\": \"/x\"}]}", "no \"type\"");
        assertRefused("{\"mounts\": [{\"type\": \"nfs\", \"path\": \"/x\"}]}", "unknown mount type 'nfs'");
        assertRefused("{\"mounts\": [{\"type\": \"hostfs\", \"path\": \"/x\"}]}", "needs a \"source\"");
        assertRefused("{\"mounts\": [{\"type\": \"ramfs\", \"source\": \"x\", \"path\": \"/x\"}]}", "has no source");
        assertRefused("{\"mounts\": [{\"type\": \"image\", \"source\": \"x\", \"path\": \"/x\", \"readOnly\": false}]}", "always read-only");
        assertRefused("[]", "expected a JSON object");
        assertRefused("", "empty");
        ManifestException missing = assertThrows(ManifestException.class, () -> Manifest.read(dir.resolve("none.json")));
        assertTrue(missing.getMessage().endsWith("none.json: no such file"), missing.getMessage());
        assertEquals(0, missing.line());
    }

    /** Finding 6: '=' in a name would split elsewhere; a NUL would cut the string short in the guest. */
    @Test
    void refusesEnvironmentNamesWithEqualsAndNulCharacters() {
        ManifestException e = refused("{\n  \"env\": {\n    \"A=B\": \"1\"}}");
        assertEquals("manifest " + dir.resolve("arca.json") + ": environment name 'A=B' contains '=' at line 3, column 5", e.getMessage());
        assertRefused("{\"env\": {\"\": \"1\"}}", "empty name");
        e = refused("{\"env\": {\"A\": \"x\\u0000y\"}}");
        assertTrue(e.getMessage().contains("env.A: contains a NUL character"), e.getMessage());
        assertEquals(15, e.column());
        assertRefused("{\"env\": {\"A\\u0000\": \"x\"}}", "NUL");
        assertRefused("{\"args\": [\"a\\u0000b\"]}", "args[0]: contains a NUL");
        assertRefused("{\"entry\": \"a\\u0000.wasm\"}", "entry: contains a NUL");
        assertRefused("{\"envFromHost\": [\"A=B\"]}", "contains '='");
    }

    /** Finding 6: no value is taken from another JSON type. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"entry\": 7}                                    | entry: expected a string, got a number",
        "{\"args\": [42]}                                  | args[0]: expected a string, got a number",
        "{\"args\": \"-v\"}                                | args: expected an array of strings, got a string",
        "{\"env\": {\"A\": 1}}                             | env.A: expected a string, got a number",
        "{\"env\": {\"A\": true}}                          | env.A: expected a string, got a boolean",
        "{\"env\": {\"A\": null}}                          | env.A: expected a string, got null",
        "{\"limits\": {\"memory\": 16777216}}              | limits.memory: expected a string, got a number",
        "{\"limits\": {\"openFiles\": \"64\"}}             | limits.openFiles: expected a whole number, got a string",
        "{\"limits\": {\"openFiles\": 64.5}}               | limits.openFiles: expected a whole number, got a number",
        "{\"limits\": {\"processes\": 99999999999}}        | limits.processes: 99999999999 is out of range",
        "{\"mounts\": [{\"type\": \"ramfs\", \"path\": \"/t\", \"readOnly\": \"true\"}]} | mounts[0].readOnly: expected true or false, got a string",
        "{\"mounts\": [{\"type\": \"ramfs\", \"path\": 5}]} | mounts[0].path: expected a string, got a number",
        "{\"mounts\": {}}                                  | mounts: expected an array of objects, got an object",
    })
    void refusesValuesOfAnotherType(String json, String expected) {
        ManifestException e = refused(json.strip());
        assertTrue(e.getMessage().contains(expected + " at line 1, column "), e.getMessage());
    }

    @Test
    void refusesRepeatedKeys() {
        ManifestException e = refused("{\"entry\": \"a.wasm\",\n \"entry\": \"b.wasm\"}");
        assertTrue(e.getMessage().contains("Duplicate field 'entry'"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void refusesLimitsOutOfBoundsWithTheirPlace() {
        ManifestException e = refused("{\"limits\": {\"openFiles\": 1}}");
        assertTrue(e.getMessage().contains("limits.openFiles: open file limit must be 3 to 1048576 at line 1, column 26"), e.getMessage());
        assertRefused("{\"limits\": {\"memory\": \"12 parsecs\"}}", "unknown size unit");
        assertRefused("{\"limits\": {\"memory\": \"-1\"}}", "negative");
        assertRefused("{\"limits\": {\"memory\": \"99999999999GiB\"}}", "not a size");
        assertRefused("{\"limits\": {\"processes\": 0}}", "process limit must be 1 to 4096");
        assertRefused("{\"limits\": {\"cpuTime\": \"soon\"}}", "unknown time unit");
        assertRefused("{\"limits\": {\"cpu\": \"1s\"}}", "unknown key 'cpu' in limits");
        assertRefused("{\"mounts\": [{\"type\": \"encfs\", \"source\": \"v\", \"path\": \"/v\", \"cacheInodes\": 63}]}", "mounts[0].cacheInodes: 63 inodes (64 to 1073741824)");
        assertRefused("{\"mounts\": [{\"type\": \"encfs\", \"source\": \"v\", \"path\": \"/v\", \"cacheInodes\": -5}]}", "mounts[0].cacheInodes: -5 inodes");
        assertRefused("{\"mounts\": [{\"type\": \"encfs\", \"source\": \"v\", \"path\": \"/v\", \"cacheInodes\": \"many\"}]}", "mounts[0].cacheInodes: expected a whole number, got a string");
        assertRefused("{\"mounts\": [{\"type\": \"encfs\", \"source\": \"v\", \"path\": \"/v\", \"cacheInodes\": 99999999999}]}", "mounts[0].cacheInodes: 99999999999 is out of range");
        assertRefused("{\"mounts\": [{\"type\": \"hostfs\", \"source\": \"v\", \"path\": \"/v\", \"cacheInodes\": 100}]}", "mounts[0]: only an encfs volume has a \"cacheInodes\" setting");
        String encfs = "{\"mounts\": [{\"type\": \"encfs\", \"source\": \"v\", \"path\": \"/v\", \"blockCache\": ";
        assertRefused(encfs + "\"256KiB\"}]}", "mounts[0].blockCache: \"256KiB\" is out of bounds (512KiB to 64GiB)");
        assertRefused(encfs + "\"65GiB\"}]}", "mounts[0].blockCache: \"65GiB\" is out of bounds");
        assertRefused(encfs + "\"lots\"}]}", "mounts[0].blockCache: unknown size unit in 'lots' (use B, KiB, MiB or GiB)");
        assertRefused(encfs + "\"-1MiB\"}]}", "mounts[0].blockCache: size must not be negative");
        assertRefused(encfs + "\"99999999999GiB\"}]}", "mounts[0].blockCache: not a size");
        assertRefused(encfs + "\"1TB\"}]}", "mounts[0].blockCache: unknown size unit in '1TB'");
        assertRefused(encfs + "1048576}]}", "mounts[0].blockCache: expected a string");
        assertRefused("{\"mounts\": [{\"type\": \"ramfs\", \"path\": \"/v\", \"blockCache\": \"1MiB\"}]}", "mounts[0]: only an encfs volume has a \"blockCache\" setting");
    }

    /** Finding 2: a device, a FIFO or a huge file is refused at once, never read without end. */
    @Test
    void readsOnlyRegularFilesOfBoundedSize() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ManifestException zero = assertThrows(ManifestException.class, () -> Manifest.read(Path.of("/dev/zero")));
            assertEquals("manifest /dev/zero: not a regular file (character device)", zero.getMessage());
            Path fifo = dir.resolve("fifo");
            new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
            ManifestException f = assertThrows(ManifestException.class, () -> Manifest.read(fifo));
            assertTrue(f.getMessage().endsWith("fifo: not a regular file (fifo)"), f.getMessage());
            Path huge = dir.resolve("huge.json");
            try (RandomAccessFile r = new RandomAccessFile(huge.toFile(), "rw")) {
                r.setLength(3L << 30); // sparse
            }
            ManifestException h = assertThrows(ManifestException.class, () -> Manifest.read(huge));
            assertTrue(h.getMessage().contains("huge.json: larger than"), h.getMessage());
            assertTrue(assertThrows(ManifestException.class, () -> Manifest.read(dir)).getMessage().endsWith("is a directory"));
        });
    }

    @Test
    void parsesManifestsHeldInMemory() throws Exception {
        Manifest m = Manifest.parse("{\"entry\": \"x.wasm\"}".getBytes(StandardCharsets.UTF_8), dir);
        assertEquals(dir.toAbsolutePath().resolve("x.wasm"), m.entry());
        assertNull(m.file());
        ManifestException e = assertThrows(ManifestException.class, () -> Manifest.parse("{\"x\": 1}".getBytes(StandardCharsets.UTF_8), dir));
        assertTrue(e.getMessage().startsWith("manifest: unknown key 'x'"), e.getMessage());
        assertThrows(ManifestException.class, () -> Manifest.parse(new byte[Manifest.MAX_BYTES + 1], dir));
    }

    @Test
    void givesTheBuilderWhatItSays() throws Exception {
        Manifest m = read("{\"entry\": \"app.wasm\", \"args\": [\"1\"], \"env\": {\"A\": \"1\"}, \"envFromHost\": [\"HOME\"],"
                + " \"mounts\": [{\"type\": \"ramfs\", \"path\": \"/tmp\"}], \"limits\": {\"openFiles\": 9}}");
        InstanceConfig c = InstanceConfig.builder().manifest(m).env("A", "2").build();
        assertEquals(dir.resolve("app.wasm"), c.entry().program().file());
        assertEquals(List.of("1"), c.entry().args());
        assertEquals(List.of("HOME", "A"), List.copyOf(c.entry().env().keySet()));
        assertNull(c.entry().env().get("HOME")); // the host's value, looked up at start
        assertEquals("2", c.entry().env().get("A"));
        assertInstanceOf(Mount.Ramfs.class, c.mounts().get(0));
        assertEquals(9, c.limits().openFiles());
        assertFalse(c.interpreted());
    }

    @Test
    void sizesAndDurations() {
        assertEquals(64L << 20, Sizes.bytes("64MiB"));
        assertEquals(1L << 30, Sizes.bytes("1g"));
        assertEquals(4096, Sizes.bytes("4096"));
        assertEquals(500, Sizes.millis("500ms"));
        assertEquals(2000, Sizes.millis("2s"));
        assertEquals(120_000, Sizes.millis("2m"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.bytes("12 parsecs"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.bytes("-1"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.bytes("99999999999GiB"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.millis("soon"));
    }
}
