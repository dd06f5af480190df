package dev.arca.syscall.wasi;

import static dev.arca.abi.Wasi.*;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FileDescription;
import dev.arca.kernel.vfs.Location;
import dev.arca.kernel.vfs.Vfs;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.nio.charset.StandardCharsets;

/** The path_* calls: everything that names a file by a path relative to a directory descriptor. */
public final class Paths {
    private Paths() {}

    /** A directory descriptor with {@code rights}, as a starting point for resolution. */
    static Location dir(SyscallContext c, long fd, long rights) throws ErrnoException {
        Descriptor d = c.fd(fd, rights);
        if (!d.file().isDirectory()) throw Errno.ENOTDIR.fail("fd " + fd + " is not a directory");
        return d.file().location();
    }

    public static String path(SyscallContext c, long ptr, long len) throws ErrnoException {
        long n = len & 0xFFFF_FFFFL;
        if (n > Vfs.PATH_MAX) {
            c.memory().check(ptr, n);
            throw Errno.ENAMETOOLONG.fail();
        }
        return c.memory().readString(ptr, n);
    }

    private static boolean follow(long lookupFlags) throws ErrnoException {
        if ((lookupFlags & ~LOOKUPFLAGS_SYMLINK_FOLLOW) != 0) throw Errno.EINVAL.fail("lookupflags");
        return (lookupFlags & LOOKUPFLAGS_SYMLINK_FOLLOW) != 0;
    }

    public static int createDirectory(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[1], a[2]);
        c.kernel().vfs().createDirectory(dir(c, a[0], RIGHT_PATH_CREATE_DIRECTORY), p);
        return 0;
    }

    public static int filestatGet(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[2], a[3]);
        c.memory().check(a[4], 64);
        boolean follow = follow(a[1]);
        Files.writeFilestat(c.memory(), a[4], c.kernel().vfs().stat(dir(c, a[0], RIGHT_PATH_FILESTAT_GET), p, follow));
        return 0;
    }

    public static int filestatSetTimes(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[2], a[3]);
        boolean follow = follow(a[1]);
        Location d = dir(c, a[0], RIGHT_PATH_FILESTAT_SET_TIMES);
        long[] t = Files.times(c, a[4], a[5], (int) a[6]);
        c.kernel().vfs().setTimes(d, p, follow, t[0], t[1]);
        return 0;
    }

    public static int link(SyscallContext c, long[] a) throws ErrnoException {
        String oldPath = path(c, a[2], a[3]);
        String newPath = path(c, a[5], a[6]);
        boolean follow = follow(a[1]);
        Location from = dir(c, a[0], RIGHT_PATH_LINK_SOURCE);
        Location to = dir(c, a[4], RIGHT_PATH_LINK_TARGET);
        c.kernel().vfs().link(from, oldPath, follow, to, newPath);
        return 0;
    }

    public static int open(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        String p = path(c, a[2], a[3]);
        m.check(a[8], 4);
        boolean follow = follow(a[1]);
        int oflags = (int) a[4];
        long base = a[5], inheriting = a[6];
        int fdflags = (int) a[7];
        if ((oflags & ~0xF) != 0) throw Errno.EINVAL.fail("oflags");
        if ((fdflags & ~0x1F) != 0) throw Errno.EINVAL.fail("fdflags");
        boolean create = (oflags & OFLAGS_CREAT) != 0;
        boolean directory = (oflags & OFLAGS_DIRECTORY) != 0;
        boolean exclusive = (oflags & OFLAGS_EXCL) != 0;
        boolean truncate = (oflags & OFLAGS_TRUNC) != 0;

        long needed = RIGHT_PATH_OPEN;
        if (create) needed |= RIGHT_PATH_CREATE_FILE;
        if (truncate) needed |= RIGHT_PATH_FILESTAT_SET_SIZE;
        Descriptor parent = c.fd(a[0], needed);
        if (!parent.file().isDirectory()) throw Errno.ENOTDIR.fail("fd " + a[0] + " is not a directory");

        boolean read = (base & (RIGHT_FD_READ | RIGHT_FD_READDIR)) != 0;
        boolean write = (base & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)) != 0
                || (fdflags & FDFLAGS_APPEND) != 0;
        Location start = parent.file().location();
        var o = c.kernel().vfs().open(start, p, follow, create, exclusive, directory, truncate, read, write);
        int alias = o.location().node().descriptorAlias();
        if (alias >= 0) { // /dev/stdin and friends: the process's own descriptor, shared
            o.close();
            Descriptor target = c.process().fds().get(alias);
            m.writeI32(a[8], c.process().fds().duplicate(target));
            return 0;
        }
        Descriptor d = Files.describe(o, read, write, fdflags, base, inheriting, parent.rightsInheriting());
        int fd;
        try {
            fd = c.process().fds().add(d);
        } catch (ErrnoException e) {
            d.file().release();
            throw e;
        }
        m.writeI32(a[8], fd);
        return 0;
    }

    public static int readlink(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[1], a[2]);
        long len = a[4] & 0xFFFF_FFFFL;
        c.memory().check(a[3], len);
        c.memory().check(a[5], 4);
        String target = c.kernel().vfs().readlink(dir(c, a[0], RIGHT_PATH_READLINK), p);
        byte[] b = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(b.length, len);
        c.memory().writeBytes(a[3], b, 0, n);
        c.memory().writeI32(a[5], n);
        return 0;
    }

    public static int removeDirectory(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[1], a[2]);
        c.kernel().vfs().removeDirectory(dir(c, a[0], RIGHT_PATH_REMOVE_DIRECTORY), p);
        return 0;
    }

    public static int rename(SyscallContext c, long[] a) throws ErrnoException {
        String oldPath = path(c, a[1], a[2]);
        String newPath = path(c, a[4], a[5]);
        Location from = dir(c, a[0], RIGHT_PATH_RENAME_SOURCE);
        Location to = dir(c, a[3], RIGHT_PATH_RENAME_TARGET);
        c.kernel().vfs().rename(from, oldPath, to, newPath);
        return 0;
    }

    public static int symlink(SyscallContext c, long[] a) throws ErrnoException {
        String target = path(c, a[0], a[1]);
        String p = path(c, a[3], a[4]);
        c.kernel().vfs().symlink(target, dir(c, a[2], RIGHT_PATH_SYMLINK), p);
        return 0;
    }

    public static int unlinkFile(SyscallContext c, long[] a) throws ErrnoException {
        String p = path(c, a[1], a[2]);
        c.kernel().vfs().unlink(dir(c, a[0], RIGHT_PATH_UNLINK_FILE), p);
        return 0;
    }

}
