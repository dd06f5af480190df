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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * posix_spawn, the kernel's part, in Linux's order: checks the arguments, applies the file actions
 * to a copy of the parent's descriptors, then finds and reads the program (a regular file of at
 * most {@link #MAX_MODULE_BYTES}), has the {@link ProgramLoader} prepare it, makes the process
 * within the limits and starts it. A spawn that fails leaves nothing of the child behind (its
 * descriptor table is closed), but what its actions did to files stays done, as on Linux.
 */
public final class Spawn {
    private Spawn() {}

    /** Largest module a guest may spawn; larger ones are refused (ENOEXEC) without being read. */
    public static final int MAX_MODULE_BYTES = 256 << 20;
    /**
     * Most bytes that argv and envp may take, counted as Linux counts them: each string with its
     * NUL plus an 8-byte pointer. Linux's limit with its default 8 MiB stack (a quarter of it).
     */
    public static final int ARG_MAX = 2 << 20;
    /** Longest single argument or environment string, with its NUL: Linux's MAX_ARG_STRLEN. */
    public static final int MAX_ARG_STRLEN = 32 * 4096;
    /** Most file actions one spawn may carry (beyond: ENOMEM, as glibc when it cannot store them). */
    public static final int MAX_FILE_ACTIONS = 1 << 16;

    /** What a spawn does to the child's descriptors before it starts, in order. */
    public sealed interface FileAction {
        /** Closes {@code fd}; a descriptor that is not open is left alone, as glibc does. */
        record Close(int fd) implements FileAction {}

        record Dup2(int fd, int newFd) implements FileAction {}

        /** Opens an absolute guest {@code path} with WASI {@code oflags} and {@code fdflags} on {@code fd}. */
        record Open(int fd, String path, int oflags, int fdflags, boolean read, boolean write) implements FileAction {}
    }

    /** See {@link Kernel#spawn}. */
    static Process spawn(Kernel kernel, ProgramLoader loader, Process parent, String guestPath, List<String> args,
            List<String> env, List<FileAction> actions, int processGroup, long mask, long toDefault) throws ErrnoException {
        checkArguments(args, env);
        checkActions(actions);
        kernel.checkProcessLimit();
        FdTable fds = parent.fds().inherit(parent.limits().openFiles());
        Program program;
        Process child;
        try {
            for (FileAction a : actions) apply(kernel.vfs(), fds, a);
            fds.closeMarked(); // close-on-exec descriptors go after the actions, as exec drops them
            program = load(kernel, loader, guestPath);
            child = kernel.createProcess(parent, processGroup, args, env, parent.limits(), fds);
        } catch (ErrnoException | RuntimeException e) {
            fds.closeAll();
            throw e;
        }
        child.startSignals(parent, mask, toDefault);
        program.start(child);
        return child;
    }

    /** E2BIG as execve(2): a string longer than MAX_ARG_STRLEN, or all of them over ARG_MAX. */
    static void checkArguments(List<String> args, List<String> env) throws ErrnoException {
        long total = 0;
        for (List<String> strings : List.of(args, env)) {
            for (String s : strings) {
                int n = s.getBytes(StandardCharsets.UTF_8).length + 1;
                if (n > MAX_ARG_STRLEN) throw Errno.E2BIG.fail("an argument or environment string of " + n + " bytes");
                total += n + 8;
            }
        }
        if (total > ARG_MAX) throw Errno.E2BIG.fail("arguments and environment of " + total + " bytes");
    }

    /** ENOMEM for more actions, or more bytes of paths in them, than a spawn may carry. */
    private static void checkActions(List<FileAction> actions) throws ErrnoException {
        if (actions.size() > MAX_FILE_ACTIONS) throw Errno.ENOMEM.fail(actions.size() + " file actions");
        long paths = 0;
        for (FileAction a : actions) {
            if (a instanceof FileAction.Open o) paths += o.path().length();
        }
        if (paths > ARG_MAX) throw Errno.ENOMEM.fail("file actions with " + paths + " bytes of paths");
    }

    /**
     * Reads the program and has the loader prepare it. Only a regular file is a program (EACCES
     * otherwise, as execve gives for a device or a directory), so a device is never read. The
     * bytes being read or compiled by all spawns of the instance at once are bounded by {@link
     * Kernel#moduleBytes}, so concurrent spawns of large files cannot exhaust the heap.
     */
    private static Program load(Kernel kernel, ProgramLoader loader, String guestPath) throws ErrnoException {
        Vfs vfs = kernel.vfs();
        FileHandle h = vfs.openToRead(vfs.root(), relative(guestPath));
        try {
            long size = h.size();
            if (size > MAX_MODULE_BYTES) {
                throw Errno.ENOEXEC.fail(guestPath + " is larger than a module may be (" + (MAX_MODULE_BYTES >> 20) + " MiB)");
            }
            int n = (int) size;
            Program known = kernel.programs.find(guestPath, h, n);
            if (known != null) return known;
            reserve(kernel.moduleBytes, n);
            try {
                byte[] module = new byte[n];
                int pos = 0;
                while (pos < n) {
                    int got = h.read(ByteBuffer.wrap(module, pos, n - pos), pos);
                    if (got <= 0) break; // the file shrank as it was read
                    pos += got;
                }
                byte[] bytes = pos == n ? module : Arrays.copyOf(module, pos);
                Program program = loader.load(guestPath, bytes);
                kernel.programs.remember(guestPath, bytes, program);
                return program;
            } finally {
                kernel.moduleBytes.release(n);
            }
        } finally {
            h.close();
        }
    }

    /** Takes {@code n} permits, waiting while other spawns hold them. Errors: EINTR. */
    private static void reserve(Semaphore budget, int n) throws ErrnoException {
        try {
            while (!budget.tryAcquire(n, Kernel.SIGNAL_POLL_MILLIS, TimeUnit.MILLISECONDS)) Kernel.checkInterrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.fail();
        }
    }

    private static String relative(String absolute) throws ErrnoException {
        if (!absolute.startsWith("/")) throw Errno.EINVAL.fail("spawn needs an absolute path");
        int i = 0;
        while (i < absolute.length() && absolute.charAt(i) == '/') i++;
        return i == absolute.length() ? "." : absolute.substring(i);
    }

    private static void apply(Vfs vfs, FdTable fds, FileAction a) throws ErrnoException {
        switch (a) {
            case FileAction.Close c -> {
                if (fds.isOpen(c.fd())) fds.close(c.fd());
            }
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
