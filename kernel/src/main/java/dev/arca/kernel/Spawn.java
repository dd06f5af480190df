package dev.arca.kernel;

import static dev.arca.abi.Wasi.OFLAGS_CREAT;
import static dev.arca.abi.Wasi.OFLAGS_DIRECTORY;
import static dev.arca.abi.Wasi.OFLAGS_EXCL;
import static dev.arca.abi.Wasi.OFLAGS_TRUNC;
import static dev.arca.abi.Wasi.RIGHTS_ALL;
import static dev.arca.abi.Wasi.RIGHT_FD_ALLOCATE;
import static dev.arca.abi.Wasi.RIGHT_FD_FILESTAT_SET_SIZE;
import static dev.arca.abi.Wasi.RIGHT_FD_READ;
import static dev.arca.abi.Wasi.RIGHT_FD_READDIR;
import static dev.arca.abi.Wasi.RIGHT_FD_WRITE;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileHandle;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.kernel.fd.FdTable;
import dev.arca.kernel.vfs.Vfs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * posix_spawn, the kernel's part: finds and reads the program, has the {@link ProgramLoader}
 * prepare it, gives the child a copy of the parent's descriptors changed by the file actions,
 * makes the process within the limits and starts it.
 */
public final class Spawn {
    private Spawn() {}

    /** Largest module a guest may spawn (a guard against exhausting the heap). */
    static final int MAX_MODULE_BYTES = 256 << 20;

    /** What a spawn does to the child's descriptors before it starts, in order. */
    public sealed interface FileAction {
        record Close(int fd) implements FileAction {}

        record Dup2(int fd, int newFd) implements FileAction {}

        /** Opens an absolute guest {@code path} with WASI {@code oflags} and {@code fdflags} on {@code fd}. */
        record Open(int fd, String path, int oflags, int fdflags, boolean read, boolean write) implements FileAction {}
    }

    /** See {@link Kernel#spawn}. */
    static Process spawn(Kernel kernel, ProgramLoader loader, Process parent, String guestPath, List<String> args,
            List<String> env, List<FileAction> actions, int processGroup) throws ErrnoException {
        byte[] module = readModule(kernel.vfs(), guestPath);
        Program program = loader.load(guestPath, module);
        FdTable fds = parent.fds().inherit(parent.limits().openFiles());
        try {
            for (FileAction a : actions) apply(kernel.vfs(), fds, a);
        } catch (ErrnoException e) {
            fds.closeAll();
            throw e;
        }
        Process child = kernel.createProcess(parent, processGroup, args, env, parent.limits(), fds);
        program.start(child);
        return child;
    }

    private static byte[] readModule(Vfs vfs, String guestPath) throws ErrnoException {
        var opened = vfs.open(vfs.root(), relative(guestPath), true, false, false, false, false, true, false);
        FileHandle h = opened.handle();
        try {
            if (h == null) throw Errno.EACCES.fail(guestPath + " is a directory");
            long size = h.size();
            if (size > MAX_MODULE_BYTES) throw Errno.ENOEXEC.fail(guestPath + " is too large");
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = 0;
            while (true) {
                buf.clear();
                int n = h.read(buf, pos);
                if (n <= 0) break;
                out.write(buf.array(), 0, n);
                pos += n;
                if (pos > MAX_MODULE_BYTES) throw Errno.ENOEXEC.fail(guestPath + " is too large");
            }
            return out.toByteArray();
        } finally {
            opened.close();
        }
    }

    private static String relative(String absolute) throws ErrnoException {
        if (!absolute.startsWith("/")) throw Errno.EINVAL.fail("spawn needs an absolute path");
        String r = absolute.replaceFirst("^/+", "");
        return r.isEmpty() ? "." : r;
    }

    private static void apply(Vfs vfs, FdTable fds, FileAction a) throws ErrnoException {
        switch (a) {
            case FileAction.Close c -> fds.close(c.fd());
            case FileAction.Dup2 d -> {
                Descriptor src = fds.get(d.fd());
                if (d.fd() != d.newFd()) fds.duplicateTo(src, d.newFd());
                else fds.replace(d.fd(), src.withCloseOnSpawn(false));
            }
            case FileAction.Open o -> {
                Descriptor opened = open(vfs, o);
                try {
                    fds.duplicateTo(opened, o.fd());
                } finally {
                    opened.file().release();
                }
            }
        }
    }

    /** Opens a file action's path, with rights for the access asked for. The caller owns the result. */
    private static Descriptor open(Vfs vfs, FileAction.Open o) throws ErrnoException {
        int oflags = o.oflags();
        if ((oflags & ~0xF) != 0) throw Errno.EINVAL.fail("oflags");
        var opened = vfs.open(vfs.root(), relative(o.path()), true, (oflags & OFLAGS_CREAT) != 0, (oflags & OFLAGS_EXCL) != 0,
                (oflags & OFLAGS_DIRECTORY) != 0, (oflags & OFLAGS_TRUNC) != 0, o.read(), o.write());
        if (opened.location().node().descriptorAlias() >= 0) {
            opened.close();
            throw Errno.EINVAL.fail("/dev/std* in a spawn action: use dup2");
        }
        long rights = (o.read() ? RIGHT_FD_READ | RIGHT_FD_READDIR : 0)
                | (o.write() ? RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE : 0)
                | (RIGHTS_ALL & ~(RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE));
        try {
            return Descriptor.forOpened(opened, o.read(), o.write(), o.fdflags(), rights, RIGHTS_ALL, RIGHTS_ALL);
        } catch (ErrnoException e) {
            opened.close();
            throw e;
        }
    }
}
