package dev.arca.syscall;

import dev.arca.fs.FileHandle;

/**
 * The three standard streams a process starts with.
 *
 * @param terminal whether each stream is a terminal (reported to the guest as a character device)
 */
public record Stdio(FileHandle in, FileHandle out, FileHandle err, boolean[] terminal) {}
