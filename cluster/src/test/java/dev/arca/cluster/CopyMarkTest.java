package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.fs.encfs.BlockStore;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The note beside a replicated volume's local copy ({@link CopyMark}): it names a log index only
 * while it is whole, for this cluster's volume, about the copy's superblocks as they are, and
 * before the open that asks; after a restart of the machine, only the index the copy was synced
 * at. Everything else (torn, flipped, another volume's, invalidated, a changed copy) asks for
 * every block to be compared. A real file beside a real local copy.
 */
class CopyMarkTest {
    private static final Host HOST = new LinuxHost();
    private static final byte[] BOOT = bytes(16, 1);
    private static final byte[] OTHER_BOOT = bytes(16, 2);
    @TempDir
    Path dir;
    private Path copy;
    private HostBlockStore local;

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @BeforeEach
    void copy() throws Exception {
        copy = dir.resolve("v.vol");
        local = HostBlockStore.open(HOST, copy, true, true);
        for (int i = 0; i < 4; i++) local.write(i, bytes(BlockStore.BLOCK_SIZE, i + 1));
    }

    @AfterEach
    void close() {
        local.close();
    }

    private CopyMark mark(byte[] boot) {
        return CopyMark.open(HOST, copy, "group", "v.vol", boot);
    }

    /** What a mount in a boot with id {@code boot}, opening at {@code epoch}, reads from the note. */
    private long since(byte[] boot, long epoch) {
        try (CopyMark m = mark(boot)) {
            return m.since(local, epoch);
        }
    }

    @Test
    void theNoteNamesTheNewestStateInThisBootAndTheSyncedOneAfterARestart() throws Exception {
        assertEquals(-1, since(BOOT, 100), "no note yet");
        try (CopyMark m = mark(BOOT)) {
            m.matched(40, local, true);
            assertEquals(40, m.since(local, 41));
            assertEquals(-1, m.since(local, 40), "an index not before the open is from another history of the cluster");
            m.matched(70, local, false);
            assertTrue(m.unsynced());
        }
        assertEquals(70, since(BOOT, 100), "the same boot: the page cache kept every write");
        assertEquals(40, since(OTHER_BOOT, 100), "after a restart: only what was synced");
        assertEquals(40, since(null, 100), "a host that does not tell its boot: only what was synced");
        try (CopyMark m = mark(BOOT)) {
            m.matched(70, local, false);
            m.synced();
            assertTrue(!m.unsynced());
        }
        assertEquals(70, since(OTHER_BOOT, 100));
    }

    @Test
    void aChangedCopyOrANoteThatIsNotWholeOrNotThisVolumesIsIgnored() throws Exception {
        try (CopyMark m = mark(BOOT)) {
            m.matched(40, local, true);
        }
        Path note = dir.resolve("v.vol.synced");
        byte[] good = Files.readAllBytes(note);
        // another volume's name, or another cluster's: ignored
        try (CopyMark m = CopyMark.open(HOST, copy, "group", "w.vol", BOOT)) {
            assertEquals(-1, m.since(local, 100));
        }
        try (CopyMark m = CopyMark.open(HOST, copy, "another", "v.vol", BOOT)) {
            assertEquals(-1, m.since(local, 100));
        }
        // every byte flipped in turn, and the note cut short: ignored
        for (int at = 0; at < good.length; at++) {
            byte[] bad = good.clone();
            bad[at] ^= 0x40;
            Files.write(note, bad);
            assertEquals(-1, since(BOOT, 100), "byte " + at + " flipped");
        }
        Files.write(note, Arrays.copyOf(good, 60));
        assertEquals(-1, since(BOOT, 100), "a torn note");
        Files.write(note, good);
        assertEquals(40, since(BOOT, 100));
        // the copy's superblock slot rewritten behind the note (another file put in its place, a mount that was not replicated)
        local.write(1, bytes(BlockStore.BLOCK_SIZE, 9));
        assertEquals(-1, since(BOOT, 100));
        local.write(1, bytes(BlockStore.BLOCK_SIZE, 2));
        assertEquals(40, since(BOOT, 100));
        // the copy cut to one block: no superblocks to match
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.setLength(BlockStore.BLOCK_SIZE);
        }
        assertEquals(-1, since(BOOT, 100));
        local.write(1, bytes(BlockStore.BLOCK_SIZE, 2));
        // invalidated (a write to the copy failed, or a pull began rewriting it)
        try (CopyMark m = mark(BOOT)) {
            assertEquals(40, m.since(local, 100));
            m.invalidate();
            assertEquals(-1, m.since(local, 100));
        }
        assertEquals(-1, since(BOOT, 100));
    }
}
