package dev.arca.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.fs.hostfs.HostFs;
import dev.arca.fs.ramfs.RamFs;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A guest must not reach anything outside a host directory mounted into its namespace: not by
 * "..", not by symbolic links made by the guest or found on the host (relative, absolute, to
 * directories, chained), and not by creating, renaming, linking, truncating or touching through
 * them.
 *
 * <p>Layout on the host: {@code tmp/secret}, {@code tmp/secretdir/inner} and {@code
 * tmp/root/...}, where {@code tmp/root} is the mounted directory.
 */
class HostEscapeTest {
    private static final String SECRET = "TOP SECRET";
    /**
     * Acceptable answers to an attempt to leave: ENOTCAPABLE ('..' or an absolute path above the
     * start), ENOENT (the path, resolved inside the namespace, names nothing), EPERM, ELOOP (with
     * the host directory as root, a link to "/etc" names itself), EXDEV (a rename that would
     * leave the mount for the in-memory root) and EEXIST (O_EXCL on an existing link).
     */
    private static final Set<Errno> REFUSALS = Set.of(Errno.ENOTCAPABLE, Errno.ENOENT, Errno.EPERM,
            Errno.ELOOP, Errno.EXDEV, Errno.EEXIST);

    /** How the host directory is put into the namespace, and where the guest starts. */
    enum Layout {
        /** The host directory is the namespace root; the guest starts at "/". */
        HOSTFS_AS_ROOT(""),
        /** Mounted at /host over an in-memory root; the guest starts at /host (a preopen). */
        MOUNTED_START_INSIDE(""),
        /** Mounted at /host over an in-memory root; the guest starts at "/" and says host/... */
        MOUNTED_START_AT_ROOT("host/");

        final String prefix;

        Layout(String prefix) {
            this.prefix = prefix;
        }
    }

    @TempDir
    Path tmp;

    private Path secret;
    private Path secretDir;
    private Path hostRoot;
    private Vfs vfs;
    private Layout layout;
    private Location start;
    private String prefix;
    private Set<String> outsideBefore;
    private FileTime secretMtime;

    @BeforeEach
    void createHostTree() throws Exception {
        secret = Files.writeString(tmp.resolve("secret"), SECRET);
        secretDir = Files.createDirectory(tmp.resolve("secretdir"));
        Files.writeString(secretDir.resolve("inner"), SECRET);
        hostRoot = Files.createDirectory(tmp.resolve("root"));
        Files.writeString(hostRoot.resolve("inside"), "inside");
        Files.createDirectories(hostRoot.resolve("sub/deeper"));
        link("up", "../secret");
        link("upup", "../../secret");
        link("abs", secret.toString());
        link("passwd", "/etc/passwd");
        link("etc", "/etc");
        link("updir", "..");
        link("absdir", tmp.toString());
        link("absroot", "/");
        link("secretdirlink", "../secretdir");
        link("sub/deeper/up3", "../../../secret");
        link("sub/deeper/toroot", "../..");
        link("s1", "sub/deeper");
        link("s2", "s1/toroot");
        link("s3", "s2/updir");
        link("newup", "../created-by-guest");
        link("newabs", tmp.resolve("created-abs").toString());
        link("newdeep", "sub/deeper/../../../created-deep");
        secretMtime = Files.getLastModifiedTime(secret);
        outsideBefore = outsideListing();
    }

    private void link(String name, String target) throws IOException {
        Files.createSymbolicLink(hostRoot.resolve(name), Path.of(target));
    }

    private void setUp(Layout layout) throws ErrnoException {
        MountTable mounts = new MountTable();
        HostFs host = new HostFs(new LinuxHost(), hostRoot, false);
        if (layout == Layout.HOSTFS_AS_ROOT) {
            mounts.mount("/", host, false);
        } else {
            mounts.mount("/", new RamFs(() -> 0L, 1 << 20), false);
            mounts.mount("/host", host, false);
        }
        vfs = new Vfs(mounts);
        start = layout == Layout.MOUNTED_START_INSIDE ? vfs.lookupAbsolute("/host") : vfs.root();
        prefix = layout.prefix;
        this.layout = layout;
    }

    @AfterEach
    void nothingOutsideChanged() throws Exception {
        assertEquals(outsideBefore, outsideListing(), "files outside the mounted directory");
        assertEquals(SECRET, Files.readString(secret));
        assertEquals(SECRET, Files.readString(secretDir.resolve("inner")));
        assertEquals(secretMtime, Files.getLastModifiedTime(secret));
        // links to places outside the temporary directory: remove them so its cleanup is quiet
        for (String l : List.of("passwd", "etc", "absroot")) {
            Files.deleteIfExists(hostRoot.resolve(l));
        }
    }

    /** Everything under tmp except the mounted directory, with sizes. */
    private Set<String> outsideListing() throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.filter(p -> !p.startsWith(hostRoot)).forEach(p -> {
                try {
                    out.add(tmp.relativize(p) + ":" + (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : -1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return out;
    }

    private static void assertRefused(String what, Executable call) {
        try {
            call.execute();
        } catch (ErrnoException e) {
            assertTrue(REFUSALS.contains(e.errno()), what + ": refused with " + e.errno() + " (" + e.getMessage() + ")");
            return;
        } catch (Throwable t) {
            fail(what + ": threw " + t, t);
        }
        fail(what + ": succeeded, but it leads outside the mounted directory");
    }

    /** Inodes of everything under the mounted directory, links not followed. */
    private Set<Long> insideInodes() throws IOException {
        Set<Long> out = new java.util.HashSet<>();
        try (Stream<Path> s = Files.walk(hostRoot)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.add((Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return out;
    }

    /**
     * The call may fail with any errno or succeed, but what it reaches must be inside the
     * namespace: a node of the in-memory root, or one under the mounted host directory.
     */
    private void assertNotOutside(String what, java.util.concurrent.Callable<Location> call) throws Exception {
        Location loc;
        try {
            loc = call.call();
        } catch (ErrnoException e) {
            return;
        }
        if (loc.mount().fileSystem() instanceof HostFs) {
            assertTrue(insideInodes().contains(loc.node().stat().inode()), what + ": reached a host file outside, at guest path " + loc.path());
        }
    }

    private String readAll(String path) throws ErrnoException {
        FileHandle h = vfs.open(start, path, true, false, false, false, false, true, false).handle();
        try {
            ByteBuffer dst = ByteBuffer.allocate(4096);
            h.read(dst, 0);
            return new String(dst.array(), 0, dst.position(), StandardCharsets.UTF_8);
        } finally {
            h.close();
        }
    }

    /** Paths that lead outside the mounted directory, relative to it. */
    private static final List<String> ESCAPES = List.of(
            "../secret", "../root/../secret", "sub/../../secret", "sub/deeper/../../../secret",
            "up", "upup", "abs", "passwd", "etc/passwd", "updir/secret", "updir/root/inside",
            "absdir/secret", "absroot/etc/passwd", "secretdirlink/inner", "sub/deeper/up3",
            "s1/../../../secret", "s1/up3", "../secretdir/inner", "updir", "absdir", "secretdirlink");

    /**
     * Paths through a link whose target ends in ".." (toroot = "../..", s2 = s1/toroot, s3 =
     * s2/updir): by POSIX rules they lead outside too. See VfsTest#dotDotAfterALinkEndingInDotDot
     * for how they resolve today; here they only must not reach anything outside.
     */
    private static final List<String> CHAINED_ESCAPES = List.of("s3", "s3/secret", "s3/root/../secret",
            "s2/updir/secretdir/inner", "s1/toroot/updir/secret", "s1/toroot/../secret", "s2/../secret",
            "s2/up", "sub/deeper/toroot/../secret", "s3/created-by-guest", "sub/deeper/toroot/../created-by-guest");

    private static boolean chained(String p) {
        return p.startsWith("s2") || p.startsWith("s3") || p.contains("toroot/..");
    }

    private List<String> escapes() {
        List<String> out = new ArrayList<>();
        for (String p : ESCAPES) out.add(prefix + p);
        return out;
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void nothingOutsideCanBeLookedUpStatedOrRead(Layout layout) throws Exception {
        setUp(layout);
        for (String p : escapes()) {
            if (layout == Layout.MOUNTED_START_AT_ROOT && p.equals("host/updir")) {
                // "/host/.." is the in-memory namespace root, which the guest may see
                assertEquals("/", vfs.lookup(start, p, true).path());
                assertTrue(vfs.lookup(start, p, true).mount().fileSystem() instanceof RamFs);
                continue;
            }
            assertRefused("lookup " + p, () -> vfs.lookup(start, p, true));
            assertRefused("stat " + p, () -> vfs.stat(start, p, true));
            assertRefused("open " + p, () -> readAll(p));
            assertRefused("open " + p + "/", () -> vfs.open(start, p + "/", true, false, false, true, false, true, false));
            assertRefused("list " + p, () -> vfs.list(vfs.lookup(start, p, true)));
        }
        for (String c : CHAINED_ESCAPES) {
            String p = prefix + c;
            assertNotOutside("lookup " + p, () -> vfs.lookup(start, p, true));
            assertNotOutside("open " + p, () -> vfs.open(start, p, true, false, false, false, false, true, false).location());
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void legitimatePathsStillWork(Layout layout) throws Exception {
        setUp(layout);
        assertEquals("inside", readAll(prefix + "inside"));
        assertEquals("inside", readAll(prefix + "sub/deeper/toroot/inside"));
        assertEquals("inside", readAll(prefix + "s2/inside"));
        assertEquals("inside", readAll(prefix + "s1/../../inside"));
        assertEquals("../secret", vfs.readlink(start, prefix + "up"), "readlink gives the text, not the file");
        assertEquals(secret.toString(), vfs.readlink(start, prefix + "abs"));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void nothingIsCreatedOutside(Layout layout) throws Exception {
        setUp(layout);
        for (String p : List.of("newup", "newabs", "newdeep", "../created-by-guest", "updir/created-by-guest",
                "absdir/created-abs", "s3/created-by-guest", "sub/deeper/toroot/../created-by-guest")) {
            String path = prefix + p;
            // with the guest at "/", host/.. is the in-memory root: creating there is allowed
            assertNotOutside("create " + path, () -> vfs.open(start, path, true, true, false, false, false, false, true).location());
            assertNotOutside("create excl " + path, () -> vfs.open(start, path, true, true, true, false, false, false, true).location());
            if (layout != Layout.MOUNTED_START_AT_ROOT && !chained(p)) {
                assertRefused("create " + path, () -> vfs.open(start, path, true, true, false, false, false, false, true));
            }
        }
        for (String p : List.of("updir/newdir", "absdir/newdir", "../newdir", "etc/newdir", "s3/newdir")) {
            if (layout != Layout.MOUNTED_START_AT_ROOT && !chained(p)) {
                assertRefused("mkdir " + p, () -> vfs.createDirectory(start, prefix + p));
                assertRefused("symlink " + p, () -> vfs.symlink("inside", start, prefix + p));
            } else {
                try {
                    vfs.createDirectory(start, prefix + p);
                } catch (ErrnoException expected) {
                    // refused is as good
                }
            }
        }
        assertFalse(Files.exists(tmp.resolve("created-by-guest")));
        assertFalse(Files.exists(tmp.resolve("created-abs")));
        assertFalse(Files.exists(tmp.resolve("created-deep")));
        assertFalse(Files.exists(tmp.resolve("newdir")));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void nothingOutsideIsChangedThroughLinks(Layout layout) throws Exception {
        setUp(layout);
        for (String p : List.of("up", "abs", "s2/up", "updir/secret", "absdir/secret")) {
            String path = prefix + p;
            assertRefused("truncate " + path, () -> vfs.open(start, path, true, false, false, false, true, false, true));
            assertRefused("open for writing " + path, () -> vfs.open(start, path, true, false, false, false, false, false, true));
            assertRefused("set times " + path, () -> vfs.setTimes(start, path, true, 0, 0));
            assertRefused("hard link " + path, () -> vfs.link(start, path, true, start, prefix + "stolen"));
        }
        for (String p : List.of("updir/secret", "absdir/secret", "../secret", "sub/deeper/up3/../secret")) {
            String path = prefix + p;
            assertRefused("unlink " + path, () -> vfs.unlink(start, path));
            assertRefused("rename from " + path, () -> vfs.rename(start, path, start, prefix + "stolen"));
            assertRefused("rename to " + path, () -> vfs.rename(start, prefix + "inside", start, path));
            assertRefused("rmdir " + path, () -> vfs.removeDirectory(start, prefix + p.replace("/secret", "/secretdir")));
        }
        assertFalse(Files.exists(hostRoot.resolve("stolen"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("inside", Files.readString(hostRoot.resolve("inside")));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void changingALinkChangesTheLinkNotItsTarget(Layout layout) throws Exception {
        setUp(layout);
        // unlink and rename act on the link itself
        vfs.unlink(start, prefix + "up");
        assertFalse(Files.exists(hostRoot.resolve("up"), LinkOption.NOFOLLOW_LINKS));
        vfs.rename(start, prefix + "abs", start, prefix + "renamed");
        assertTrue(Files.isSymbolicLink(hostRoot.resolve("renamed")));
        vfs.rename(start, prefix + "inside", start, prefix + "upup"); // replaces the link
        assertTrue(Files.isRegularFile(hostRoot.resolve("upup"), LinkOption.NOFOLLOW_LINKS));
        // a hard link to a link (not followed) is one more name for the link, still refused on use
        vfs.link(start, prefix + "renamed", false, start, prefix + "hard");
        assertRefused("open hard", () -> readAll(prefix + "hard"));
        // a guest may store a relative ".." link, but not use it to leave
        vfs.symlink("../secret", start, prefix + "mine");
        assertEquals("../secret", vfs.readlink(start, prefix + "mine"));
        assertRefused("open mine", () -> readAll(prefix + "mine"));
        assertNotOutside("create via mine", () -> vfs.open(start, prefix + "mine", true, true, false, false, true, false, true).location());
        if (layout != Layout.MOUNTED_START_AT_ROOT) {
            assertRefused("create via mine", () -> vfs.open(start, prefix + "mine", true, true, false, false, true, false, true));
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aHostDirectorySwappedForALinkIsNotFollowed(Layout layout) throws Exception {
        setUp(layout);
        // the host (or another process) replaces a directory by a link to the outside between calls
        Files.createDirectory(hostRoot.resolve("swap"));
        Files.writeString(hostRoot.resolve("swap/f"), "ok");
        assertEquals("ok", readAll(prefix + "swap/f"));
        Files.delete(hostRoot.resolve("swap/f"));
        Files.delete(hostRoot.resolve("swap"));
        Files.createSymbolicLink(hostRoot.resolve("swap"), secretDir);
        assertRefused("open swap/inner", () -> readAll(prefix + "swap/inner"));
        assertRefused("create swap/new", () -> vfs.open(start, prefix + "swap/new", true, true, false, false, false, false, true));
        assertFalse(Files.exists(secretDir.resolve("new")));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void theMountedDirectoryItselfIsTheLimit(Layout layout) throws Exception {
        setUp(layout);
        if (layout == Layout.MOUNTED_START_INSIDE) {
            assertRefused("..", () -> vfs.lookup(start, "..", true));
            assertRefused("/", () -> vfs.lookup(start, "/", true));
        } else if (layout == Layout.HOSTFS_AS_ROOT) {
            assertRefused("..", () -> vfs.lookup(start, "..", true));
            // the namespace root resolves absolute links inside itself, never on the host
            assertRefused("absdir", () -> vfs.lookup(start, "absdir", true));
        } else {
            // "/host/.." is the in-memory root, not the host's parent directory
            Location up = vfs.lookup(start, "host/..", true);
            assertEquals("/", up.path());
            assertNotEquals(hostRoot.getParent(), null);
            assertRefused("host/../secret", () -> vfs.lookup(start, "host/../secret", true));
        }
    }
}
