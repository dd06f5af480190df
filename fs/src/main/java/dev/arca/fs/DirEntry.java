package dev.arca.fs;

/** One entry of a directory listing. */
public record DirEntry(String name, long inode, byte filetype) {}
