package dev.arca.host;

/** One entry of a host directory listing: a name and what it is (never a followed link). */
public record HostDirEntry(String name, long inode, HostStat.Kind kind) {}
