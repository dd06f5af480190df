package dev.arca.fs.encfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.util.function.Consumer;

/**
 * What detected tampering or damage becomes: one line in the security log naming the volume and
 * the place ("volume FILE: block N (inode I, level L, index K): what"; the sink adds "arca: security:"), and an
 * EIO for the caller carrying the same words. Every part that checks what the host returned
 * reports through it, so each detection gives exactly one line.
 */
final class SecurityLog {
    private final String volume;
    private final Consumer<String> log;

    SecurityLog(String volume, Consumer<String> log) {
        this.volume = volume;
        this.log = log;
    }

    /** A block that failed its check, named by its place in the tree (inode 0: the inode table). */
    ErrnoException tampered(long block, long ino, int level, long index, String what) {
        String where = "block " + block + " (" + (ino == 0 ? "inode table" : "inode " + ino) + ", level " + level + ", index " + index + ")";
        return tampered(where, what);
    }

    ErrnoException tampered(String where, String what) {
        log.accept("volume " + volume + ": " + where + ": " + what);
        return Errno.EIO.fail(volume + ": " + where + ": " + what);
    }

    /** Metadata that authenticated but does not make sense (a writer's bug, or an old format). */
    ErrnoException damaged(String what) {
        return tampered("metadata", what);
    }

    /** A failure that is no security event but cannot be returned (a commit at close). */
    void note(String what) {
        log.accept("encfs: " + volume + ": " + what);
    }
}
