package dev.arca.kernel;

import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The programs an instance spawned lately, by guest path, with the bytes each was loaded from.
 * A spawn of the same path finds its program here when the file still holds those bytes: it
 * reads the file in small pieces and compares them, instead of reading it whole into a new
 * array and having the loader find the module again (a third of a spawn's time went there).
 * The bytes are compared, never trusted from metadata: a file rewritten within one tick of
 * its timestamps is still seen to have changed. At most {@link #BUDGET} bytes are kept; the
 * least recently spawned paths go first.
 */
final class KnownPrograms {
    static final long BUDGET = 64L << 20;
    private static final int PIECE = 256 * 1024;
    /**
     * Where each spawning thread reads a file to compare it: direct, so that a host file is read
     * into it with no staging copy, and kept, so that a spawn allocates nothing for it.
     */
    private static final ThreadLocal<ByteBuffer> PIECES = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(PIECE));

    private record Known(byte[] bytes, Program program) {}

    private final Map<String, Known> byPath = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
    private long bytes; // guarded by this

    /** The program last loaded from {@code path}, if the open file {@code h} of {@code size} bytes holds the same bytes. */
    Program find(String path, FileHandle h, int size) throws ErrnoException {
        Known k;
        synchronized (this) {
            k = byPath.get(path);
        }
        if (k == null || k.bytes().length != size) return null;
        ByteBuffer piece = PIECES.get();
        for (int pos = 0; pos < size; ) {
            piece.clear().limit(Math.min(PIECE, size - pos));
            int got = h.read(piece, pos);
            if (got <= 0 || piece.flip().mismatch(ByteBuffer.wrap(k.bytes(), pos, got)) != -1) return null;
            pos += got;
        }
        return k.program();
    }

    /** Keeps {@code program}, loaded from {@code bytes} (not changed after) at {@code path}. */
    synchronized void remember(String path, byte[] moduleBytes, Program program) {
        if (moduleBytes.length > BUDGET / 4) return;
        Known old = byPath.put(path, new Known(moduleBytes, program));
        if (old != null) bytes -= old.bytes().length;
        bytes += moduleBytes.length;
        for (Iterator<Known> it = byPath.values().iterator(); bytes > BUDGET && it.hasNext(); ) {
            bytes -= it.next().bytes().length;
            it.remove();
        }
    }
}
