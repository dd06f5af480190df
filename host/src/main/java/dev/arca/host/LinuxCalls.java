package dev.arca.host;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every libc call Arca makes, in one class (as the JDK's {@code UnixNativeDispatcher}): bound on
 * first use through the foreign-function API, each returns its result or throws an {@link
 * ErrnoException} carrying the Linux errno mapped to WASI's ({@link #errno}). Nothing here decides
 * policy; {@link LinuxHost} does.
 *
 * <p>Layouts used are the same on x86-64 and AArch64 Linux ({@code struct statx}, {@code struct
 * open_how}, the 64-bit {@code struct dirent}, {@code struct timespec}); the open(2) flags are not,
 * so they are chosen by architecture.
 */
final class LinuxCalls {
    private LinuxCalls() {}

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;

    static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
    static final int O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    static final int O_DIRECTORY, O_NOFOLLOW;

    static {
        boolean arm = System.getProperty("os.arch", "").equals("aarch64");
        O_DIRECTORY = arm ? 0x4000 : 0x10000;
        O_NOFOLLOW = arm ? 0x8000 : 0x20000;
    }

    static final long RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
            RESOLVE_BENEATH = 0x08;

    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;
    static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;
    static final int SYNC_FILE_RANGE_WRITE = 2;

    private static final long SYS_OPENAT2 = 437; // the same on every architecture (unified table)
    private static final long SYS_GETDENTS64 = System.getProperty("os.arch", "").equals("aarch64") ? 61 : 217;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_SIZE = 256;

    // ---- binding -------------------------------------------------------------------------------

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /**
     * Every function is bound with this one descriptor: six integer arguments and an integer
     * result, errno captured. The linker makes one stub (a class and its method handles) per
     * descriptor, which costs a fresh JVM several milliseconds each and cannot come from the AOT
     * cache; with one descriptor, start-up makes one, and each further function is its address
     * bound to it (under a tenth of a millisecond). It is exact on both ABIs Arca runs on (x86-64
     * System V and AArch64 Linux): every argument here is an integer or a pointer, each passed in
     * its own general register, a callee ignores the registers it does not read, a result of C
     * type {@code int} is taken from the low half of the register, and the linker sets {@code %al}
     * on x86-64 for every call, as variadic functions ({@code openat}, {@code syscall}) need.
     * Pointers are passed as addresses: the calls below keep their memory reachable across the
     * call and pass native memory only.
     */
    private static final FunctionDescriptor GENERIC =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /** The functions, each bound the first time it is called (start-up pays only for what it uses). */
    private enum Fn {
        OPENAT("openat"),
        SYSCALL("syscall"),
        CLOSE("close"),
        STATX("statx"),
        MKDIRAT("mkdirat"),
        UNLINKAT("unlinkat"),
        RENAMEAT("renameat"),
        SYMLINKAT("symlinkat"),
        READLINKAT("readlinkat"),
        LINKAT("linkat"),
        UTIMENSAT("utimensat"),
        FTRUNCATE("ftruncate"),
        PREAD("pread"),
        PWRITE("pwrite"),
        FSYNC("fsync"),
        FDATASYNC("fdatasync"),
        FLOCK("flock"),
        FALLOCATE("fallocate"),
        SYNC_FILE_RANGE("sync_file_range"),
        ISATTY("isatty");

        private final String symbol;
        private volatile MethodHandle handle;

        Fn(String symbol) {
            this.symbol = symbol;
        }

        private MethodHandle h() {
            MethodHandle m = handle;
            if (m == null) {
                var addr = LINKER.defaultLookup().find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(symbol));
                m = LINKER.downcallHandle(addr, GENERIC, Linker.Option.captureCallState("errno"));
                handle = m;
            }
            return m;
        }

        /** Calls the function; unused trailing arguments are 0. */
        long call(MemorySegment state, long a, long b, long c, long d, long e, long f) throws Throwable {
            return (long) h().invokeExact(state, a, b, c, d, e, f);
        }

        long call(MemorySegment state, long a) throws Throwable {
            return call(state, a, 0, 0, 0, 0, 0);
        }

        long call(MemorySegment state, long a, long b) throws Throwable {
            return call(state, a, b, 0, 0, 0, 0);
        }

        long call(MemorySegment state, long a, long b, long c) throws Throwable {
            return call(state, a, b, c, 0, 0, 0);
        }

        long call(MemorySegment state, long a, long b, long c, long d) throws Throwable {
            return call(state, a, b, c, d, 0, 0);
        }

        long call(MemorySegment state, long a, long b, long c, long d, long e) throws Throwable {
            return call(state, a, b, c, d, e, 0);
        }
    }

    /** One call's scratch memory: the errno capture and C strings, freed when the call returns. */
    private static final class Call implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final MemorySegment state = arena.allocate(STATE);

        /** {@code s} as a C string in this call's memory: its address. */
        long str(String s) throws ErrnoException {
            if (s.indexOf('\0') >= 0) throw Errno.EINVAL.fail("NUL in a host path");
            return arena.allocateFrom(s, StandardCharsets.UTF_8).address();
        }

        ErrnoException fail(String what) {
            return errno((int) ERRNO.get(state, 0L), what);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    private static ErrnoException broken(String what, Throwable t) {
        if (t instanceof Error e) throw e;
        return Errno.EIO.fail(what + ": " + t);
    }

    // ---- calls ---------------------------------------------------------------------------------

    static int openat(int dirfd, String path, int flags, int mode) throws ErrnoException {
        try (Call c = new Call()) {
            int fd = (int) Fn.OPENAT.call(c.state, dirfd, c.str(path), flags | O_CLOEXEC, mode);
            if (fd < 0) throw c.fail("openat " + path);
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("openat", t);
        }
    }

    /** openat2(2); ENOSYS where the kernel (or a seccomp filter) does not offer it. */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        try (Call c = new Call()) {
            MemorySegment how = c.arena.allocate(24, 8);
            how.set(JAVA_LONG, 0, (flags | O_CLOEXEC) & 0xFFFF_FFFFL);
            how.set(JAVA_LONG, 8, mode);
            how.set(JAVA_LONG, 16, resolve);
            long fd = Fn.SYSCALL.call(c.state, SYS_OPENAT2, dirfd, c.str(path), how.address(), 24L);
            if (fd < 0) throw c.fail("openat2 " + path);
            return (int) fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("openat2", t);
        }
    }

    static void close(int fd) {
        try (Call c = new Call()) {
            int r = (int) Fn.CLOSE.call(c.state, fd);
            // EINTR or EIO on close: Linux has released the descriptor anyway; nothing to retry
        } catch (Throwable t) {
            if (t instanceof Error e) throw e;
        }
    }

    /** statx(2) without following a final link; {@code path} "" with AT_EMPTY_PATH is the fd itself. */
    static HostStat statx(int dirfd, String path) throws ErrnoException {
        try (Call c = new Call()) {
            MemorySegment buf = c.arena.allocate(STATX_SIZE, 8);
            int flags = AT_SYMLINK_NOFOLLOW | (path.isEmpty() ? AT_EMPTY_PATH : 0);
            int r = (int) Fn.STATX.call(c.state, dirfd, c.str(path), flags, STATX_BASIC_STATS, buf.address());
            if (r != 0) throw c.fail("statx " + path);
            int mode = buf.get(JAVA_SHORT, 28) & 0xFFFF;
            long dev = ((buf.get(JAVA_INT, 136) & 0xFFFF_FFFFL) << 32) | (buf.get(JAVA_INT, 140) & 0xFFFF_FFFFL);
            return new HostStat(HostStat.Kind.ofMode(mode), dev, buf.get(JAVA_LONG, 32), buf.get(JAVA_INT, 16) & 0xFFFF_FFFFL,
                    buf.get(JAVA_LONG, 40), time(buf, 64), time(buf, 112), time(buf, 96));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("statx", t);
        }
    }

    private static long time(MemorySegment buf, long off) {
        return buf.get(JAVA_LONG, off) * 1_000_000_000L + (buf.get(JAVA_INT, off + 8) & 0xFFFF_FFFFL);
    }

    static void mkdirat(int dirfd, String name, int mode) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.MKDIRAT.call(c.state, dirfd, c.str(name), mode) != 0) throw c.fail("mkdirat " + name);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("mkdirat", t);
        }
    }

    static void unlinkat(int dirfd, String name, int flags) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.UNLINKAT.call(c.state, dirfd, c.str(name), flags) != 0) throw c.fail("unlinkat " + name);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("unlinkat", t);
        }
    }

    static void renameat(int fromDir, String from, int toDir, String to) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.RENAMEAT.call(c.state, fromDir, c.str(from), toDir, c.str(to)) != 0) {
                throw c.fail("renameat " + from + " " + to);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("renameat", t);
        }
    }

    static void symlinkat(String target, int dirfd, String name) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.SYMLINKAT.call(c.state, c.str(target), dirfd, c.str(name)) != 0) throw c.fail("symlinkat " + name);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("symlinkat", t);
        }
    }

    /** readlinkat(2); {@code name} "" reads the link an O_PATH descriptor stands for. */
    static String readlinkat(int dirfd, String name) throws ErrnoException {
        try (Call c = new Call()) {
            MemorySegment buf = c.arena.allocate(4097);
            long n = Fn.READLINKAT.call(c.state, dirfd, c.str(name), buf.address(), 4097L);
            if (n < 0) throw c.fail("readlinkat " + name);
            if (n > 4096) throw Errno.ENAMETOOLONG.fail("symbolic link target over 4096 bytes");
            return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("readlinkat", t);
        }
    }

    static void linkat(int fromDir, String from, int toDir, String to, int flags) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.LINKAT.call(c.state, fromDir, c.str(from), toDir, c.str(to), flags) != 0) {
                throw c.fail("linkat " + from + " " + to);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("linkat", t);
        }
    }

    /** utimensat(2) without following a final link; a negative time is left unchanged. */
    static void utimensat(int dirfd, String path, long atimeNanos, long mtimeNanos) throws ErrnoException {
        try (Call c = new Call()) {
            MemorySegment ts = c.arena.allocate(32, 8);
            timespec(ts, 0, atimeNanos);
            timespec(ts, 16, mtimeNanos);
            int flags = AT_SYMLINK_NOFOLLOW | (path.isEmpty() ? AT_EMPTY_PATH : 0);
            if ((int) Fn.UTIMENSAT.call(c.state, dirfd, c.str(path), ts.address(), flags) != 0) throw c.fail("utimensat " + path);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("utimensat", t);
        }
    }

    private static void timespec(MemorySegment ts, long off, long nanos) {
        if (nanos < 0) {
            ts.set(JAVA_LONG, off, 0);
            ts.set(JAVA_LONG, off + 8, UTIME_OMIT);
        } else {
            ts.set(JAVA_LONG, off, nanos / 1_000_000_000L);
            ts.set(JAVA_LONG, off + 8, nanos % 1_000_000_000L);
        }
    }

    static void ftruncate(int fd, long size) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.FTRUNCATE.call(c.state, fd, size) != 0) throw c.fail("ftruncate");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("ftruncate", t);
        }
    }

    /** Refuses what would let the host write or read past {@code m}: heap memory (no address), a length over its size. */
    private static void requireNative(MemorySegment m, long len) {
        if (!m.isNative() || len < 0 || len > m.byteSize()) {
            throw new IllegalArgumentException("host I/O needs native memory of at least " + len + " bytes: " + m);
        }
    }

    /** pread(2) into native memory; retried on EINTR. */
    static long pread(int fd, MemorySegment dst, long len, long offset) throws ErrnoException {
        requireNative(dst, len);
        try (Call c = new Call()) {
            while (true) {
                long n = Fn.PREAD.call(c.state, fd, dst.address(), len, offset);
                Reference.reachabilityFence(dst);
                if (n >= 0) return n;
                ErrnoException e = c.fail("pread");
                if (e.errno() != Errno.EINTR) throw e;
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("pread", t);
        }
    }

    /** pwrite(2) from native memory; retried on EINTR. Returns the count written (maybe short). */
    static long pwrite(int fd, MemorySegment src, long len, long offset) throws ErrnoException {
        requireNative(src, len);
        try (Call c = new Call()) {
            while (true) {
                long n = Fn.PWRITE.call(c.state, fd, src.address(), len, offset);
                Reference.reachabilityFence(src);
                if (n >= 0) return n;
                ErrnoException e = c.fail("pwrite");
                if (e.errno() != Errno.EINTR) throw e;
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("pwrite", t);
        }
    }

    static void fsync(int fd, boolean dataOnly) throws ErrnoException {
        try (Call c = new Call()) {
            int r = (int) (dataOnly ? Fn.FDATASYNC : Fn.FSYNC).call(c.state, fd);
            if (r != 0) throw c.fail("fsync");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("fsync", t);
        }
    }

    /** One entry read by {@link #readdir}: its name, inode and {@code d_type} (0: unknown). */
    record Dirent(String name, long inode, int type) {}

    /**
     * Every entry of the directory open (for reading) on {@code fd}, without "." and "..", read
     * with getdents64(2). Takes ownership of {@code fd}: it is closed when this returns.
     */
    static List<Dirent> readdir(int fd) throws ErrnoException {
        try (Call c = new Call()) {
            MemorySegment buf = c.arena.allocate(32 * 1024, 8);
            List<Dirent> out = new ArrayList<>();
            while (true) {
                long n = Fn.SYSCALL.call(c.state, SYS_GETDENTS64, fd, buf.address(), buf.byteSize());
                if (n < 0) {
                    ErrnoException e = c.fail("getdents64");
                    if (e.errno() == Errno.EINTR) continue;
                    throw e;
                }
                if (n == 0) return out;
                for (long off = 0; off < n; ) {
                    int reclen = buf.get(JAVA_SHORT, off + 16) & 0xFFFF;
                    String name = buf.getString(off + 19, StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) {
                        out.add(new Dirent(name, buf.get(JAVA_LONG, off), buf.get(JAVA_BYTE, off + 18) & 0xFF));
                    }
                    off += reclen;
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("getdents64", t);
        } finally {
            close(fd);
        }
    }

    /** flock(2) without waiting: false when another open file holds a conflicting lock. */
    static boolean tryFlock(int fd, boolean exclusive) throws ErrnoException {
        try (Call c = new Call()) {
            int r = (int) Fn.FLOCK.call(c.state, fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
            if (r == 0) return true;
            ErrnoException e = c.fail("flock");
            if (e.errno() == Errno.EAGAIN) return false;
            throw e;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("flock", t);
        }
    }

    static void fallocate(int fd, int mode, long offset, long len) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.FALLOCATE.call(c.state, fd, mode, offset, len) != 0) throw c.fail("fallocate");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("fallocate", t);
        }
    }

    /**
     * sync_file_range(2) with {@code SYNC_FILE_RANGE_WRITE}: starts writing the range's dirty
     * pages to the disk and returns without waiting for them (a length of 0: to the end of file).
     */
    static void startWriteback(int fd, long offset, long len) throws ErrnoException {
        try (Call c = new Call()) {
            if ((int) Fn.SYNC_FILE_RANGE.call(c.state, fd, offset, len, SYNC_FILE_RANGE_WRITE) != 0) throw c.fail("sync_file_range");
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("sync_file_range", t);
        }
    }

    static boolean isatty(int fd) {
        try (Call c = new Call()) {
            return (int) Fn.ISATTY.call(c.state, fd) == 1;
        } catch (Throwable t) {
            if (t instanceof Error e) throw e;
            return false;
        }
    }

    /** Linux errno values (the same on x86-64 and AArch64) to WASI's. */
    static ErrnoException errno(int e, String what) {
        Errno w = switch (e) {
            case 1 -> Errno.EPERM;
            case 2 -> Errno.ENOENT;
            case 3 -> Errno.ESRCH;
            case 4 -> Errno.EINTR;
            case 5 -> Errno.EIO;
            case 6 -> Errno.ENXIO;
            case 7 -> Errno.E2BIG;
            case 8 -> Errno.ENOEXEC;
            case 9 -> Errno.EBADF;
            case 10 -> Errno.ECHILD;
            case 11 -> Errno.EAGAIN;
            case 12 -> Errno.ENOMEM;
            case 13 -> Errno.EACCES;
            case 14 -> Errno.EFAULT;
            case 16 -> Errno.EBUSY;
            case 17 -> Errno.EEXIST;
            case 18 -> Errno.EXDEV;
            case 19 -> Errno.ENODEV;
            case 20 -> Errno.ENOTDIR;
            case 21 -> Errno.EISDIR;
            case 22 -> Errno.EINVAL;
            case 23 -> Errno.ENFILE;
            case 24 -> Errno.EMFILE;
            case 25 -> Errno.ENOTTY;
            case 26 -> Errno.ETXTBSY;
            case 27 -> Errno.EFBIG;
            case 28 -> Errno.ENOSPC;
            case 29 -> Errno.ESPIPE;
            case 30 -> Errno.EROFS;
            case 31 -> Errno.EMLINK;
            case 32 -> Errno.EPIPE;
            case 34 -> Errno.ERANGE;
            case 35 -> Errno.EDEADLK;
            case 36 -> Errno.ENAMETOOLONG;
            case 37 -> Errno.ENOLCK;
            case 38 -> Errno.ENOSYS;
            case 39 -> Errno.ENOTEMPTY;
            case 40 -> Errno.ELOOP;
            case 75 -> Errno.EOVERFLOW;
            case 84 -> Errno.EILSEQ;
            case 95 -> Errno.ENOTSUP;
            case 116 -> Errno.ESTALE;
            case 122 -> Errno.EDQUOT;
            default -> Errno.EIO;
        };
        return w.fail(what + ": " + w.name().toLowerCase() + (w == Errno.EIO && e != 5 ? " (host errno " + e + ")" : ""));
    }
}
