package dev.arca.abi;

/**
 * Constants of the {@code wasi_snapshot_preview1} ABI, named as in its witx definition.
 */
public final class Wasi {
    private Wasi() {}

    /** {@code filetype} */
    public static final byte FILETYPE_UNKNOWN = 0, FILETYPE_BLOCK_DEVICE = 1,
            FILETYPE_CHARACTER_DEVICE = 2, FILETYPE_DIRECTORY = 3, FILETYPE_REGULAR_FILE = 4,
            FILETYPE_SOCKET_DGRAM = 5, FILETYPE_SOCKET_STREAM = 6, FILETYPE_SYMBOLIC_LINK = 7;

    /** {@code whence} */
    public static final int WHENCE_SET = 0, WHENCE_CUR = 1, WHENCE_END = 2;

    /** {@code clockid} */
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1,
            CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;

    /** {@code fdflags} */
    public static final int FDFLAGS_APPEND = 1, FDFLAGS_DSYNC = 2, FDFLAGS_NONBLOCK = 4,
            FDFLAGS_RSYNC = 8, FDFLAGS_SYNC = 16;

    /** {@code oflags} */
    public static final int OFLAGS_CREAT = 1, OFLAGS_DIRECTORY = 2, OFLAGS_EXCL = 4,
            OFLAGS_TRUNC = 8;

    /** {@code lookupflags} */
    public static final int LOOKUPFLAGS_SYMLINK_FOLLOW = 1;

    /** {@code fstflags} */
    public static final int FSTFLAGS_ATIM = 1, FSTFLAGS_ATIM_NOW = 2, FSTFLAGS_MTIM = 4,
            FSTFLAGS_MTIM_NOW = 8;

    /** {@code advice} */
    public static final int ADVICE_NORMAL = 0, ADVICE_SEQUENTIAL = 1, ADVICE_RANDOM = 2,
            ADVICE_WILLNEED = 3, ADVICE_DONTNEED = 4, ADVICE_NOREUSE = 5;

    /** {@code eventtype} */
    public static final int EVENTTYPE_CLOCK = 0, EVENTTYPE_FD_READ = 1, EVENTTYPE_FD_WRITE = 2;

    /** {@code subclockflags} */
    public static final int SUBCLOCKFLAGS_ABSTIME = 1;

    /** {@code eventrwflags} */
    public static final int EVENTRWFLAGS_HANGUP = 1;

    /** {@code preopentype} */
    public static final int PREOPENTYPE_DIR = 0;

    /** {@code riflags}, {@code roflags}, {@code sdflags} */
    public static final int RIFLAGS_RECV_PEEK = 1, RIFLAGS_RECV_WAITALL = 2,
            ROFLAGS_RECV_DATA_TRUNCATED = 1, SDFLAGS_RD = 1, SDFLAGS_WR = 2;

    /** {@code rights}: one bit per operation a descriptor may be used for. */
    public static final long RIGHT_FD_DATASYNC = 1L << 0, RIGHT_FD_READ = 1L << 1,
            RIGHT_FD_SEEK = 1L << 2, RIGHT_FD_FDSTAT_SET_FLAGS = 1L << 3, RIGHT_FD_SYNC = 1L << 4,
            RIGHT_FD_TELL = 1L << 5, RIGHT_FD_WRITE = 1L << 6, RIGHT_FD_ADVISE = 1L << 7,
            RIGHT_FD_ALLOCATE = 1L << 8, RIGHT_PATH_CREATE_DIRECTORY = 1L << 9,
            RIGHT_PATH_CREATE_FILE = 1L << 10, RIGHT_PATH_LINK_SOURCE = 1L << 11,
            RIGHT_PATH_LINK_TARGET = 1L << 12, RIGHT_PATH_OPEN = 1L << 13,
            RIGHT_FD_READDIR = 1L << 14, RIGHT_PATH_READLINK = 1L << 15,
            RIGHT_PATH_RENAME_SOURCE = 1L << 16, RIGHT_PATH_RENAME_TARGET = 1L << 17,
            RIGHT_PATH_FILESTAT_GET = 1L << 18, RIGHT_PATH_FILESTAT_SET_SIZE = 1L << 19,
            RIGHT_PATH_FILESTAT_SET_TIMES = 1L << 20, RIGHT_FD_FILESTAT_GET = 1L << 21,
            RIGHT_FD_FILESTAT_SET_SIZE = 1L << 22, RIGHT_FD_FILESTAT_SET_TIMES = 1L << 23,
            RIGHT_PATH_SYMLINK = 1L << 24, RIGHT_PATH_REMOVE_DIRECTORY = 1L << 25,
            RIGHT_PATH_UNLINK_FILE = 1L << 26, RIGHT_POLL_FD_READWRITE = 1L << 27,
            RIGHT_SOCK_SHUTDOWN = 1L << 28, RIGHT_SOCK_ACCEPT = 1L << 29;

    public static final long RIGHTS_ALL = (1L << 30) - 1;

    /** Rights that make sense on a regular file. */
    public static final long RIGHTS_REGULAR_FILE = RIGHT_FD_DATASYNC | RIGHT_FD_READ
            | RIGHT_FD_SEEK | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC | RIGHT_FD_TELL
            | RIGHT_FD_WRITE | RIGHT_FD_ADVISE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_GET
            | RIGHT_FD_FILESTAT_SET_SIZE | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_POLL_FD_READWRITE;

    /** Rights that make sense on a directory (for itself and as inherited base). */
    public static final long RIGHTS_DIRECTORY = RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_SYNC
            | RIGHT_FD_ADVISE | RIGHT_PATH_CREATE_DIRECTORY | RIGHT_PATH_CREATE_FILE
            | RIGHT_PATH_LINK_SOURCE | RIGHT_PATH_LINK_TARGET | RIGHT_PATH_OPEN | RIGHT_FD_READDIR
            | RIGHT_PATH_READLINK | RIGHT_PATH_RENAME_SOURCE | RIGHT_PATH_RENAME_TARGET
            | RIGHT_PATH_FILESTAT_GET | RIGHT_PATH_FILESTAT_SET_SIZE
            | RIGHT_PATH_FILESTAT_SET_TIMES | RIGHT_FD_FILESTAT_GET
            | RIGHT_FD_FILESTAT_SET_TIMES | RIGHT_PATH_SYMLINK | RIGHT_PATH_REMOVE_DIRECTORY
            | RIGHT_PATH_UNLINK_FILE | RIGHT_FD_DATASYNC;

    /** Rights that make sense on a character device or stream (stdio, pipes). */
    public static final long RIGHTS_TTY = RIGHT_FD_READ | RIGHT_FD_FDSTAT_SET_FLAGS
            | RIGHT_FD_WRITE | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE;

    /** Signals of {@code proc_raise} (numbered as in the witx {@code signal} enum). */
    public static final int SIGNAL_NONE = 0;
}
