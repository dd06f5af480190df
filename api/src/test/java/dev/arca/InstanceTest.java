package dev.arca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API driven directly, as an embedder would: real guests built with the SDK, real files,
 * real volumes, processes started, spawned, killed and closed under.
 */
class InstanceTest {
    static Path tool;

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void buildGuests() throws Exception {
        tool = Guests.tool();
    }

    private InstanceConfig.Builder config(String... args) {
        return InstanceConfig.builder().program(Program.file(tool)).args(args).stdout(out).stderr(err)
                .diagnostics(Diagnostics.discard()).stateDirectory(dir.resolve("state"));
    }

    private ExitStatus run(InstanceConfig c) throws ArcaException {
        try (Instance i = Instance.create(c)) {
            return i.run();
        }
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- running ---------------------------------------------------------------------------

    @Test
    void runsAProgramWithItsArgumentsAndOnlyTheEnvironmentGiven() throws Exception {
        ExitStatus s = run(config("echo", "a b", "").build());
        assertTrue(s.success(), s.toString());
        assertEquals("tool.wasm\n-\na b\n\n", stdout());

        out.reset();
        run(config("env", "MODE").env("MODE", "prod").build());
        assertEquals("prod\n", stdout());

        out.reset();
        run(config("env", "PATH").build()); // the host's PATH is not passed unless asked for
        assertEquals("(unset)\n", stdout());

        out.reset();
        run(config("env", "PATH").envFromHost("PATH").build());
        assertEquals(System.getenv("PATH") + "\n", stdout());
    }

    @Test
    void standardStreamsAreJavaStreams() throws Exception {
        byte[] input = new byte[300_000];
        for (int i = 0; i < input.length; i++) input[i] = (byte) ('a' + i % 26);
        ExitStatus s = run(config("cat").stdin(new ByteArrayInputStream(input)).build());
        assertTrue(s.success());
        assertEquals(new String(input, StandardCharsets.US_ASCII), stdout());
        assertEquals("bytes 300000\n", err.toString(StandardCharsets.UTF_8));

        // without streams: stdin at end of file, output discarded
        s = run(InstanceConfig.builder().program(Program.file(tool)).args("cat").diagnostics(Diagnostics.discard()).build());
        assertTrue(s.success());
    }

    @Test
    void exitStatusCarriesCodeSignalAndReason() throws Exception {
        assertEquals(new ExitStatus(7, 0, null), run(config("exit", "7").build()));
        ExitStatus trap = run(config("trap").build());
        assertEquals(134, trap.code());
        assertEquals(6, trap.signal());
        assertTrue(trap.reason().startsWith("trap: integer divide by zero"), trap.reason());
        assertFalse(trap.exited());
    }

    @Test
    void programsGivenAsBytesRun() throws Exception {
        ExitStatus s = run(InstanceConfig.builder().program(Program.of("given", Files.readAllBytes(tool))).args("echo")
                .stdout(out).diagnostics(Diagnostics.discard()).build());
        assertTrue(s.success());
        assertTrue(stdout().startsWith("given\n"), stdout());
    }

    @Test
    void aProgramInsideAMountSeesItsGuestPathAsArgv0() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.copy(tool, bin.resolve("tool.wasm"));
        run(InstanceConfig.builder().program(Program.file(bin.resolve("tool.wasm"))).args("echo").stdout(out)
                .mount(Mount.hostDirectoryReadOnly(bin, "/usr/bin")).diagnostics(Diagnostics.discard()).build());
        assertTrue(stdout().startsWith("/usr/bin/tool.wasm\n"), stdout());
    }

    // ---- mounts ----------------------------------------------------------------------------

    @Test
    void hostDirectoriesAreMountedWritableOrReadOnly() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        assertTrue(run(config("write", "/data/a.txt", "hello").mount(Mount.hostDirectory(data, "/data")).build()).success());
        assertEquals("hello", Files.readString(data.resolve("a.txt")));

        ExitStatus ro = run(config("write", "/data/b.txt", "x").mount(Mount.hostDirectoryReadOnly(data, "/data")).build());
        assertEquals(1, ro.code());
        assertEquals("open: Read-only file system\n", stdout());
        assertFalse(Files.exists(data.resolve("b.txt")));
    }

    @Test
    void ramfsHoldsFilesForTheInstanceOnly() throws Exception {
        assertTrue(run(config("write", "/tmp/x", "in memory").mount(Mount.ramfs("/tmp")).build()).success());
        ExitStatus s = run(config("read", "/tmp/x").mount(Mount.ramfs("/tmp")).build());
        assertEquals(1, s.code()); // a new instance has a new, empty ramfs
    }

    @Test
    void volumesKeyedByBytesAreCommittedAtCloseAndRefuseAWrongKey() throws Exception {
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        VolumeKey key = VolumeKey.of(raw);
        Path vol = dir.resolve("v.vol");
        assertTrue(run(config("write", "/v/secret", "kept").mount(Mount.volume(vol, "/v", key)).build()).success());
        assertFalse(new String(Files.readAllBytes(vol), StandardCharsets.ISO_8859_1).contains("kept"), "plaintext on the host");

        assertTrue(run(config("read", "/v/secret").mount(Mount.volume(vol, "/v")).volumeKey(VolumeKey.fromKeyFile(raw)).build()).success());
        assertEquals("kept\n", stdout());

        byte[] other = raw.clone();
        other[0] ^= 1;
        MountException wrong = assertThrows(MountException.class,
                () -> Instance.create(config("read", "/v/secret").mount(Mount.volume(vol, "/v", VolumeKey.of(other))).build()));
        assertTrue(wrong.getMessage().contains("wrong key"), wrong.getMessage());

        ConfigException noKey = assertThrows(ConfigException.class, () -> Instance.create(config().mount(Mount.volume(vol, "/v")).build()));
        assertTrue(noKey.getMessage().contains("no key"), noKey.getMessage());
        assertTrue(key.toString().contains("hidden"));
    }

    /** An image as {@code arca image build} makes one: file {@code name} holding {@code text}. Returns its root hash (hex). */
    private static String image(Path file, String name, String text) throws Exception {
        dev.arca.host.Host host = new dev.arca.host.LinuxHost();
        try (var store = dev.arca.fs.encfs.HostBlockStore.open(host, file, true, true)) {
            var fs = dev.arca.fs.encfs.EncFs.create(store, null, host::randomBytes,
                    dev.arca.fs.encfs.EncFs.Options.defaults(() -> 0L).withFreshness(dev.arca.fs.encfs.Freshness.inMemory()).withCommitEagerly(false));
            var h = fs.root().createFile(name, true).open(true, true);
            h.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            h.close();
            fs.commit();
            String root = java.util.HexFormat.of().formatHex(fs.rootHash());
            fs.close();
            return root;
        }
    }

    /**
     * A union pinned to its image's root hash (what a measured manifest's union becomes) mounts
     * that image only: another image in its place, as a host would swap it between the measurement
     * and the mount, is refused and nothing is mounted; unpinned, any image.
     */
    @Test
    void aUnionPinnedToItsImageRefusesAnother() throws Exception {
        VolumeKey key = VolumeKey.of(new byte[32]);
        Path img = dir.resolve("u.img"), other = dir.resolve("o.img"), vol = dir.resolve("u.vol");
        String root = image(img, "f", "from the image");
        String otherRoot = image(other, "f", "from another image");
        assertTrue(run(config("read", "/u/f").mount(new Mount.Union(img, vol, "/u", key, "sha256:" + root)).build()).success());
        assertEquals("from the image\n", stdout());
        MountException e = assertThrows(MountException.class,
                () -> Instance.create(config("read", "/u/f").mount(new Mount.Union(other, vol, "/u", key, root)).build()));
        assertTrue(e.getMessage().startsWith("image " + other), e.getMessage());
        assertTrue(run(config("read", "/u/f").mount(new Mount.Union(other, vol, "/u", key, otherRoot)).build()).success());
        assertTrue(run(config("read", "/u/f").mount(new Mount.Union(img, vol, "/u", key)).build()).success(), "unpinned");
    }

    /** A volume's caches as its mount gives them reach the volume; the defaults otherwise. */
    @Test
    void aVolumesCachesAreThoseItsMountGives() throws Exception {
        VolumeKey key = VolumeKey.of(new byte[32]);
        Mount.Volume small = new Mount.Volume(dir.resolve("c1.vol"), "/a", key, false).caching(100).cachingBlocks(1 << 20);
        Mount.Volume plain = new Mount.Volume(dir.resolve("c2.vol"), "/b", key, false);
        try (Instance i = Instance.create(config().mount(small).mount(plain).build())) {
            List<dev.arca.fs.encfs.EncFs.Options> volumes = i.namespace().opened().stream()
                    .filter(f -> f instanceof dev.arca.fs.encfs.EncFs).map(f -> ((dev.arca.fs.encfs.EncFs) f).options()).toList();
            assertEquals(2, volumes.size());
            assertEquals(100, volumes.get(0).cacheInodes());
            assertEquals(128, volumes.get(0).cacheBlocks(), "1 MiB: 128 blocks read and 128 changed");
            assertEquals(dev.arca.fs.encfs.EncFs.CACHE_INODES, volumes.get(1).cacheInodes());
            assertEquals(4096, volumes.get(1).cacheBlocks(), "the default: 16 MiB read and 16 MiB changed");
        }
    }

    @Test
    void aTamperedVolumeBlockIsEioAndOneSecurityDiagnostic() throws Exception {
        VolumeKey key = VolumeKey.of(new byte[32]);
        Path vol = dir.resolve("t.vol");
        String text = "x".repeat(10_000);
        assertTrue(run(config("write", "/v/f", text).mount(Mount.volume(vol, "/v", key)).build()).success());
        // flip one byte in every block past the superblocks and the metadata: some block of /v/f is hit
        try (RandomAccessFile f = new RandomAccessFile(vol.toFile(), "rw")) {
            for (long pos = 3 * 4096 + 100; pos < f.length(); pos += 4096) {
                f.seek(pos);
                int b = f.read();
                f.seek(pos);
                f.write(b ^ 0x40);
            }
        }
        List<Diagnostic> seen = new CopyOnWriteArrayList<>();
        ArcaException failure = null;
        ExitStatus s = null;
        try {
            s = run(config("read", "/v/f").mount(Mount.volume(vol, "/v", key)).diagnostics(seen::add).build());
        } catch (MountException e) {
            failure = e; // the tree itself was hit: refused at mount
        }
        List<Diagnostic> security = seen.stream().filter(d -> d.kind() == Diagnostic.Kind.SECURITY).toList();
        assertFalse(security.isEmpty(), "no security diagnostic");
        assertTrue(security.get(0).message().startsWith("volume " + vol), security.get(0).message());
        if (failure == null) {
            assertEquals(1, s.code());
            assertTrue(stdout().contains("I/O error"), stdout());
        }
    }

    @Test
    void mountErrorsAreTypedAndReleaseWhatWasOpened() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        warmUp();
        long before = openDescriptors();
        MountException e = assertThrows(MountException.class, () -> Instance.create(config()
                .mount(Mount.hostDirectory(data, "/data")).mount(Mount.hostDirectory(dir.resolve("missing"), "/m")).build()));
        assertEquals("mount " + dir.resolve("missing") + ": not a directory on the host", e.getMessage());
        assertEquals(before, openDescriptors(), "a host descriptor leaked");

        MountException twice = assertThrows(MountException.class,
                () -> Instance.create(config().mount(Mount.ramfs("/x")).mount(Mount.hostDirectory(data, "/x/")).build()));
        assertEquals("two mounts at /x", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Mount.ramfs("/a\0b"));
    }

    @Test
    void aVolumeInUseIsRefusedUntilTheInstanceHoldingItCloses() throws Exception {
        VolumeKey key = VolumeKey.of(new byte[32]);
        Path vol = dir.resolve("busy.vol");
        Instance first = Instance.create(config("exit", "0").mount(Mount.volume(vol, "/v", key)).build());
        MountException busy = assertThrows(MountException.class, () -> Instance.create(config().mount(Mount.volume(vol, "/v", key)).build()));
        assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
        first.close();
        Instance.create(config().mount(Mount.volume(vol, "/v", key)).build()).close();
    }

    // ---- programs and configuration that cannot be used ------------------------------------

    @Test
    void badProgramsAreProgramExceptionsAtOnce() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertEquals("/dev/zero: not a regular file (character device)",
                    assertThrows(ProgramException.class, () -> Instance.create(config().program(Program.file(Path.of("/dev/zero"))).build())).getMessage());
            Path fifo = dir.resolve("fifo");
            new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
            assertThrows(ProgramException.class, () -> Program.load(fifo));
            Path huge = dir.resolve("huge.wasm");
            try (RandomAccessFile r = new RandomAccessFile(huge.toFile(), "rw")) {
                r.setLength(3L << 30);
            }
            assertTrue(assertThrows(ProgramException.class, () -> Program.load(huge)).getMessage().contains("larger than"));
            assertTrue(assertThrows(ProgramException.class, () -> Program.load(dir.resolve("none.wasm"))).getMessage().endsWith("no such file"));
            Path text = Files.writeString(dir.resolve("text.wasm"), "not wasm");
            assertTrue(assertThrows(ProgramException.class, () -> Instance.create(config().program(Program.file(text)).build()))
                    .getMessage().contains("not a WebAssembly module"));
        });
        // an invalid program creates no volume: it is compiled before anything is mounted
        Path vol = dir.resolve("never.vol");
        assertThrows(ProgramException.class, () -> Instance.create(InstanceConfig.builder().program(Program.of("bad", new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 9}))
                .mount(Mount.volume(vol, "/v", VolumeKey.of(new byte[32]))).build()));
        assertFalse(Files.exists(vol));
    }

    @Test
    void aModuleThatCannotBeInstantiatedIsAProgramExceptionFromRun() throws Exception {
        Path imp = Guests.unknownImport();
        try (Instance i = Instance.create(config().program(Program.file(imp)).build())) {
            ProgramException e = assertThrows(ProgramException.class, i::run);
            assertTrue(e.getMessage().contains("unknown import"), e.getMessage());
        }
    }

    @Test
    void anUnusableCacheDirectoryIsBlamedOnTheDirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> Instance.create(config().cacheDirectory(file).build()));
        assertEquals("cache directory " + file + ": not a directory", e.getMessage());
        e = assertThrows(ConfigException.class, () -> Instance.create(config().cacheDirectory(Path.of("/dev/null/cache")).build()));
        assertTrue(e.getMessage().startsWith("cache directory /dev/null/cache: "), e.getMessage());
        // a usable one is made and used
        Path cache = dir.resolve("cache/arca");
        assertTrue(run(config("exit", "0").cacheDirectory(cache).build()).success());
        try (Stream<Path> s = Files.walk(cache)) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".bin")), "nothing cached");
        }
    }

    @Test
    void buildersRefuseBadValuesAtOnce() {
        assertThrows(IllegalArgumentException.class, () -> config().env("A=B", "1"));
        assertThrows(IllegalArgumentException.class, () -> config().env("", "1"));
        assertThrows(IllegalArgumentException.class, () -> config().env("A", "x\0y"));
        assertThrows(IllegalArgumentException.class, () -> config().args("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().openFiles(2));
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().memory(0));
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().processes(0));
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().cpuTime(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> VolumeKey.of(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> VolumeKey.fromKeyFile("not a key".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalStateException.class, () -> InstanceConfig.builder().build());
        assertEquals(Duration.ofMillis(1), Limits.builder().cpuTime(Duration.ofNanos(1)).build().cpuTime());
    }

    // ---- limits ----------------------------------------------------------------------------

    @Test
    void limitsStopTheGuestAndTheJvmGoesOn() throws Exception {
        ExitStatus cpu = run(config("spin").limits(Limits.builder().cpuTime(Duration.ofMillis(300)).build()).build());
        assertEquals(new ExitStatus(137, 9, "killed: CPU time limit of 300 ms exceeded"), cpu);
        ExitStatus mem = run(config("grow").limits(Limits.builder().memory(16L << 20).build()).build());
        assertEquals(137, mem.code());
        assertTrue(mem.reason().contains("memory limit of 16 MiB exceeded"), mem.reason());
    }

    // ---- processes from Java ---------------------------------------------------------------

    @Test
    void spawnStartsASecondProcessThatSharesTheInstancesFileSystems() throws Exception {
        try (Instance i = Instance.create(config("wait-file", "/tmp/go").mount(Mount.ramfs("/tmp")).build())) {
            GuestProcess first = i.start();
            assertEquals(1, first.pid());
            ByteArrayOutputStream childOut = new ByteArrayOutputStream();
            GuestProcess second = i.spawn(ProcessSpec.builder(Program.file(tool)).args("write", "/tmp/go", "from java").stdout(childOut).build());
            assertTrue(second.pid() > 1);
            assertTrue(second.waitFor().success());
            assertEquals(new ExitStatus(0, 0, null), first.waitFor());
            assertEquals("got from java\n", stdout());
            assertFalse(first.isAlive());
            // the instance ended with its first process
            assertThrows(IllegalStateException.class, () -> i.spawn(ProcessSpec.builder(Program.file(tool)).args("exit", "0").build()));
        }
    }

    @Test
    void spawnCountsAgainstTheProcessLimitAndKillStopsAProcess() throws Exception {
        try (Instance i = Instance.create(config("spin").limits(Limits.builder().processes(2).build()).build())) {
            assertThrows(IllegalStateException.class, () -> i.spawn(ProcessSpec.builder(Program.file(tool)).args("exit", "0").build()));
            GuestProcess first = i.start();
            GuestProcess second = i.spawn(ProcessSpec.builder(Program.file(tool)).args("spin").build());
            LimitException e = assertThrows(LimitException.class, () -> i.spawn(ProcessSpec.builder(Program.file(tool)).args("exit", "0").build()));
            assertEquals("process limit of 2 reached", e.getMessage());
            second.kill();
            assertEquals(new ExitStatus(137, 9, "killed: stopped by the embedder"), second.waitFor());
            assertTrue(first.isAlive());
            assertTrue(first.waitFor(Duration.ofMillis(50)).isEmpty());
            ExitStatus s = i.spawn(ProcessSpec.builder(Program.file(tool)).args("exit", "3").build()).waitFor(); // room again
            assertEquals(3, s.code());
            first.kill();
            assertEquals(137, first.waitFor().code());
            assertThrows(IllegalStateException.class, i::start);
        }
    }

    @Test
    void interruptingRunStopsTheGuest() throws Exception {
        try (Instance i = Instance.create(config("spin").build())) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    result.set(i.run());
                    result.set(List.of(result.get(), Thread.currentThread().isInterrupted()));
                } catch (ArcaException e) {
                    result.set(e);
                }
            });
            Thread.sleep(300);
            t.interrupt();
            t.join(10_000);
            assertEquals(List.of(new ExitStatus(137, 9, "killed: interrupted"), true), result.get());
        }
    }

    // ---- closing ---------------------------------------------------------------------------

    @Test
    void closeStopsRunningProcessesCommitsAndReleasesEveryHostDescriptor() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        VolumeKey key = VolumeKey.of(new byte[32]);
        warmUp();
        long before = openDescriptors();
        Instance i = Instance.create(config("spin").mount(Mount.hostDirectory(data, "/data"))
                .mount(Mount.volume(dir.resolve("c.vol"), "/v", key)).mount(Mount.ramfs("/tmp")).build());
        GuestProcess first = i.start();
        GuestProcess other = i.spawn(ProcessSpec.builder(Program.file(tool)).args("spin").build());
        assertTrue(openDescriptors() > before);
        i.close();
        assertEquals(new ExitStatus(137, 9, "killed: the instance was closed"), first.waitFor());
        assertEquals(137, other.waitFor().code());
        assertEquals(before, openDescriptors(), "a host descriptor outlived close");
        i.close(); // again: nothing
        assertTrue(i.isClosed());
        assertEquals("the instance is closed", assertThrows(IllegalStateException.class, i::run).getMessage());
        assertThrows(IllegalStateException.class, i::start);
        assertThrows(IllegalStateException.class, () -> i.spawn(ProcessSpec.builder(Program.file(tool)).args("exit", "0").build()));
        // the volume was committed and unlocked: another instance opens it
        assertTrue(run(config("exit", "0").mount(Mount.volume(dir.resolve("c.vol"), "/v", key)).build()).success());
    }

    @Test
    void closeDoesNotHangOnAProcessBlockedInAHostRead() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InputStream stuck = new InputStream() {
            @Override
            public int read() {
                while (true) {
                    try {
                        release.await();
                        return -1;
                    } catch (InterruptedException e) {
                        // ignores interrupts, as a blocking host read does
                    }
                }
            }
        };
        List<Diagnostic> seen = new CopyOnWriteArrayList<>();
        Instance i = Instance.create(config("read-stdin").stdin(stuck).closeTimeout(Duration.ofMillis(300)).diagnostics(seen::add).build());
        GuestProcess p = i.start();
        Thread.sleep(200);
        // the host read never returns, but the guest waits for the kernel's stdin pump, which a
        // kill interrupts: close ends the process at once, before the host read is released
        assertTimeoutPreemptively(Duration.ofSeconds(10), i::close);
        assertEquals(137, p.waitFor(Duration.ofSeconds(5)).orElseThrow().code());
        release.countDown();
    }

    // ---- diagnostics -----------------------------------------------------------------------

    @Test
    void diagnosticsGoToTheEmbeddersSink() throws Exception {
        List<Diagnostic> seen = new CopyOnWriteArrayList<>();
        Diagnostics tracing = new Diagnostics() {
            @Override
            public void report(Diagnostic d) {
                seen.add(d);
            }

            @Override
            public boolean wants(Diagnostic.Kind kind) {
                return true;
            }
        };
        run(config("echo", "x").diagnostics(tracing).build());
        assertTrue(seen.stream().anyMatch(d -> d.kind() == Diagnostic.Kind.TRACE && d.message().contains("fd_write")), seen.toString());
        assertTrue(seen.stream().anyMatch(d -> d.kind() == Diagnostic.Kind.TIMING));

        // a sink that throws costs the guest nothing
        ExitStatus s = run(config("echo", "x").diagnostics(d -> {
            throw new IllegalStateException("broken sink");
        }).build());
        assertTrue(s.success());
    }

    @Test
    void jsonLinesAreOneObjectPerLineAndEscapeEverything() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Diagnostics json = Diagnostics.jsonLines(log, java.util.EnumSet.allOf(Diagnostic.Kind.class));
        json.report(new Diagnostic(java.time.Instant.EPOCH, Diagnostic.Kind.SECURITY, "volume \"a\nb\": \u0000 \\ \ud800", null));
        json.report(new Diagnostic(java.time.Instant.EPOCH, Diagnostic.Kind.INTERNAL, "boom", new IllegalStateException("x")));
        run(config("exit", "0").diagnostics(json).build());
        ObjectMapper m = new ObjectMapper();
        String[] lines = log.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines.length > 3);
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            assertTrue(n.has("time") && n.has("kind") && n.has("message"), line);
        }
        JsonNode first = m.readTree(lines[0]);
        assertEquals("1970-01-01T00:00:00Z", first.get("time").asText());
        assertEquals("security", first.get("kind").asText());
        assertTrue(first.get("message").asText().startsWith("volume \"a\nb\": \u0000 \\ "));
        assertTrue(m.readTree(lines[1]).get("stack").asText().contains("IllegalStateException: x"));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Diagnostics.text(text).report(new Diagnostic(java.time.Instant.EPOCH, Diagnostic.Kind.SECURITY, "a\nforged: line", null));
        assertEquals("arca: security: a\\nforged: line\n", text.toString(StandardCharsets.UTF_8));
        Diagnostics.text(text).report(new Diagnostic(java.time.Instant.EPOCH, Diagnostic.Kind.TRACE, "not wanted", null));
        assertFalse(text.toString(StandardCharsets.UTF_8).contains("not wanted"));
    }

    @Test
    void anInstanceFromAManifest() throws Exception {
        Files.copy(tool, dir.resolve("app.wasm"));
        Files.writeString(dir.resolve("arca.json"), """
                {"entry": "app.wasm", "args": ["read", "/etc/motd"],
                 "mounts": [{"type": "hostfs", "source": "etc", "path": "/etc", "readOnly": true}],
                 "limits": {"memory": "32MiB", "processes": 4}}
                """);
        Files.createDirectory(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/motd"), "from the manifest");
        ExitStatus s = run(InstanceConfig.builder().manifest(Manifest.read(dir.resolve("arca.json"))).stdout(out)
                .diagnostics(Diagnostics.discard()).build());
        assertTrue(s.success(), s.toString());
        assertEquals("from the manifest\n", stdout());
        assertNull(s.reason());
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Loads what the first instance of a JVM loads (classes, jars), so descriptor counts compare like with like. */
    private void warmUp() throws Exception {
        Path w = Files.createDirectories(dir.resolve("warm"));
        run(config("exit", "0").mount(Mount.hostDirectory(w, "/w")).mount(Mount.volume(dir.resolve("warm.vol"), "/v", VolumeKey.of(new byte[32]))).build());
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
