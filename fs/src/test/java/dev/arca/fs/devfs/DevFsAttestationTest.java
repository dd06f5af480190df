package dev.arca.fs.devfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevFsAttestationTest {
    /** A fake provider: the "quote" is "Q" and the report data in hex; fails when told to. */
    static final class Fake implements QuoteSource {
        boolean fail;
        int calls;

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public byte[] quote(byte[] reportData) throws IOException {
            calls++;
            if (fail) throw new IOException("provider down");
            assertEquals(64, reportData.length);
            return ("Q" + HexFormat.of().formatHex(reportData)).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Fake fake = new Fake();
    private final Node dir;

    DevFsAttestationTest() throws ErrnoException {
        dir = new DevFs(new LinuxHost(), fake).root().lookup("attestation");
    }

    static String readAll(FileHandle h) throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        long pos = 0;
        int n;
        while ((n = h.read(b.slice(b.position(), Math.min(7, b.remaining())), pos)) > 0) {
            b.position(b.position() + n); // small reads: the quote is read in pieces
            pos += n;
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void reportDataThenQuote() throws Exception {
        assertEquals(Wasi.FILETYPE_DIRECTORY, dir.filetype());
        assertEquals(List.of("user_report_data", "quote", "attestation_type"), dir.list().stream().map(DirEntry::name).toList());
        byte[] data = new byte[64];
        for (int i = 0; i < 64; i++) data[i] = (byte) i;
        FileHandle w = dir.lookup("user_report_data").open(false, true);
        assertEquals(64, w.write(ByteBuffer.wrap(data), 0));
        ByteBuffer back = ByteBuffer.allocate(100);
        assertEquals(64, dir.lookup("user_report_data").open(true, false).read(back, 0));
        assertArrayEquals(data, java.util.Arrays.copyOf(back.array(), 64));
        FileHandle q = dir.lookup("quote").open(true, false);
        assertEquals("Q" + HexFormat.of().formatHex(data), readAll(q));
        assertEquals(1, fake.calls, "one quote per open file, however it is read");
        // a new write does not change an open quote, but a new open sees it
        w.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), 0);
        assertEquals("Q" + HexFormat.of().formatHex(data), readAll(q));
        assertTrue(readAll(dir.lookup("quote").open(true, false)).startsWith("Qff01"));
        assertEquals("fake", readAll(dir.lookup("attestation_type").open(true, false)));
    }

    @Test
    void refusals() throws Exception {
        FileHandle w = dir.lookup("user_report_data").open(false, true);
        DevFsTest.assertErrno(Errno.EINVAL, () -> w.write(ByteBuffer.allocate(65), 0));
        DevFsTest.assertErrno(Errno.EINVAL, () -> w.write(ByteBuffer.allocate(2), 63));
        DevFsTest.assertErrno(Errno.EACCES, () -> dir.lookup("quote").open(true, true));
        DevFsTest.assertErrno(Errno.EACCES, () -> dir.createFile("other", false));
        DevFsTest.assertErrno(Errno.ENOENT, () -> dir.lookup("other"));
        DevFsTest.assertErrno(Errno.EACCES, () -> dir.unlink("quote"));
        fake.fail = true;
        FileHandle q = dir.lookup("quote").open(true, false);
        ErrnoException e = assertThrows(ErrnoException.class, () -> q.read(ByteBuffer.allocate(10), 0));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("provider down"));
    }

    @Test
    void absentWithoutASource() {
        DevFsTest.assertErrno(Errno.ENOENT, () -> new DevFs(new LinuxHost()).root().lookup("attestation"));
    }
}
