package dev.arca.fs.encfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java's Files API on an encrypted volume through the arca-vol provider. */
class ArcaVolProviderTest {
    @TempDir
    Path dir;

    private Map<String, Object> env(boolean create) throws IOException {
        Path key = dir.resolve("vol.key");
        if (!Files.exists(key)) Files.write(key, new byte[32]);
        return Map.of("keyFile", key, "create", create, "stateDir", dir.resolve("state").toString());
    }

    private static List<String> list(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesApiReadsAndWritesAVolume() throws IOException {
        URI uri = URI.create("arca-vol:" + dir.resolve("data.vol"));
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        try (FileSystem vol = FileSystems.newFileSystem(uri, env(true))) {
            assertInstanceOf(ArcaVolProvider.class, vol.provider());
            assertThrows(FileSystemAlreadyExistsException.class, () -> FileSystems.newFileSystem(uri, env(true)));
            Path notes = vol.getPath("/notes.txt");
            Files.writeString(notes, "hello");
            Files.writeString(notes, " world", StandardOpenOption.APPEND);
            Files.createDirectory(vol.getPath("/d"));
            Files.write(vol.getPath("/d/big.bin"), big);
            Files.createSymbolicLink(vol.getPath("/d/link"), vol.getPath("big.bin"));
            assertEquals("hello world", Files.readString(notes));
            assertArrayEquals(big, Files.readAllBytes(vol.getPath("/d/link")));
            assertEquals(List.of("d", "notes.txt"), list(vol.getPath("/")));
            assertEquals(List.of("big.bin", "link"), list(vol.getPath("/d")));
            BasicFileAttributes a = Files.readAttributes(vol.getPath("/d/big.bin"), BasicFileAttributes.class);
            assertTrue(a.isRegularFile());
            assertEquals(big.length, a.size());
            assertTrue(Files.isDirectory(vol.getPath("/d")));
            assertTrue(Files.isSymbolicLink(vol.getPath("/d/link")));
            assertEquals(100_000L, Files.getAttribute(vol.getPath("d/big.bin"), "size"));
            Files.setLastModifiedTime(notes, FileTime.fromMillis(1_000));
            assertEquals(FileTime.fromMillis(1_000), Files.getLastModifiedTime(notes));
            assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(vol.getPath("/d")));
            assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(vol.getPath("/d")));
            assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(vol.getPath("/nope")));
            Files.move(notes, vol.getPath("/d/notes.txt"));
            assertEquals(vol.getPath("/d/notes.txt"), vol.provider().getPath(URI.create(uri + "!/d/notes.txt")));
        }
        assertFalse(new String(Files.readAllBytes(dir.resolve("data.vol")), StandardCharsets.ISO_8859_1).contains("hello world"),
                "the host file holds no plaintext");
        try (FileSystem vol = FileSystems.newFileSystem(uri, env(false))) {
            assertEquals("hello world", Files.readString(vol.getPath("/d/notes.txt")));
            assertArrayEquals(big, Files.readAllBytes(vol.getPath("/d/big.bin")));
            Files.delete(vol.getPath("/d/link"));
            Files.delete(vol.getPath("/d/big.bin"));
            Files.delete(vol.getPath("/d/notes.txt"));
            Files.delete(vol.getPath("/d"));
            assertEquals(List.of(), list(vol.getPath("/")));
        }
    }

    /** A volume mounted and closed again and again leaves no descriptor open (its lock, its freshness record). */
    @Test
    void closingAVolumeReleasesItsDescriptors() throws IOException {
        URI uri = URI.create("arca-vol:" + dir.resolve("fds.vol"));
        FileSystems.newFileSystem(uri, env(true)).close();
        Path fds = Path.of("/proc/self/fd");
        long before;
        try (Stream<Path> s = Files.list(fds)) {
            before = s.count();
        }
        for (int i = 0; i < 20; i++) {
            try (FileSystem vol = FileSystems.newFileSystem(uri, env(false))) {
                Files.writeString(vol.getPath("/f" + i), "x"); // a commit: the record advanced
            }
        }
        long after;
        try (Stream<Path> s = Files.list(fds)) {
            after = s.count();
        }
        assertTrue(after <= before + 2, "descriptors " + before + " before, " + after + " after 20 mounts");
    }

    @Test
    void badInputIsAnIOException() throws IOException {
        URI uri = URI.create("arca-vol:" + dir.resolve("missing.vol"));
        assertThrows(NoSuchFileException.class, () -> FileSystems.newFileSystem(uri, env(false)));
        // by URI: FileSystems.newFileSystem(Path, env) would offer the file to the zip provider first
        URI vol = URI.create("arca-vol:" + dir.resolve("v.vol"));
        FileSystems.newFileSystem(vol, env(true)).close();
        Files.write(dir.resolve("short.key"), new byte[] {1, 2, 3});
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> FileSystems.newFileSystem(vol, Map.of("keyFile", dir.resolve("short.key"))));
        assertTrue(e.getMessage().contains("32 random bytes"), e.getMessage());
        byte[] other = new byte[32];
        other[0] = 1;
        Files.write(dir.resolve("other.key"), other);
        e = assertThrows(FileSystemException.class, () -> FileSystems.newFileSystem(vol, Map.of("keyFile", dir.resolve("other.key"))));
        assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
        // without a key it is taken for an image, and refused as encrypted
        e = assertThrows(FileSystemException.class, () -> FileSystems.newFileSystem(vol, Map.of()));
        assertTrue(e.getMessage().contains("encrypted volume"), e.getMessage());
    }
}
