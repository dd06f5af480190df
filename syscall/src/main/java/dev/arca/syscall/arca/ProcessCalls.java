package dev.arca.syscall.arca;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Process;
import dev.arca.kernel.Signals;
import dev.arca.kernel.Spawn;
import dev.arca.kernel.Spawn.FileAction;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import dev.arca.syscall.wasi.Paths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** proc_spawn, proc_wait, proc_getpid, proc_getppid, proc_getpgrp, proc_getrlimit, proc_kill. */
public final class ProcessCalls {
    private ProcessCalls() {}

    private static final int ACTION_SIZE = ArcaAbi.SPAWN_ACTION.size();
    /** The bits of a signal set that name signals (1 to Signals.MAX). */
    private static final long SIGNALS = ((1L << (Signals.MAX + 1)) - 1) & ~1L;
    private static final int KIND = ArcaAbi.SPAWN_ACTION.offset("kind"), FD = ArcaAbi.SPAWN_ACTION.offset("fd"),
            ARG = ArcaAbi.SPAWN_ACTION.offset("arg"), FDFLAGS = ArcaAbi.SPAWN_ACTION.offset("fdflags"),
            PATH = ArcaAbi.SPAWN_ACTION.offset("path"), PATH_LEN = ArcaAbi.SPAWN_ACTION.offset("path_len");

    public static int spawn(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        String path = Paths.path(c, a[0], a[1]);
        List<String> argv = strings(m, a[2], a[3]);
        List<String> envp = strings(m, a[4], a[5]);
        long count = a[7] & 0xFFFF_FFFFL;
        if (count > Spawn.MAX_FILE_ACTIONS) throw Errno.ENOMEM.fail(count + " file actions");
        m.checkArray(a[6], count, ACTION_SIZE);
        List<FileAction> actions = new ArrayList<>();
        long pathBytes = 0; // bounded here, before the paths are read, as well as by the kernel
        long mask = c.process().blocked(); // the spawning thread's, unless the spawn sets one
        long toDefault = 0;
        for (long i = 0; i < count; i++) {
            long e = a[6] + i * ACTION_SIZE;
            int kind = m.readI32(e + KIND), fd = m.readI32(e + FD), arg = m.readI32(e + ARG), fdflags = m.readI32(e + FDFLAGS);
            if (kind == ArcaAbi.SPAWN_SIGMASK || kind == ArcaAbi.SPAWN_SIGDEFAULT) {
                // bits that name no signal are left out, as sigprocmask does (a sigfillset set has all 64)
                long set = ((fd & 0xFFFF_FFFFL) | ((long) arg << 32)) & SIGNALS;
                if (kind == ArcaAbi.SPAWN_SIGMASK) mask = set;
                else toDefault |= set;
                continue;
            }
            if (fd < 0) throw Errno.EBADF.fail("file action on fd " + fd);
            actions.add(switch (kind) {
                case ArcaAbi.SPAWN_CLOSE -> new FileAction.Close(fd);
                case ArcaAbi.SPAWN_DUP2 -> {
                    if (arg < 0) throw Errno.EBADF.fail("dup2 to fd " + arg);
                    yield new FileAction.Dup2(fd, arg);
                }
                case ArcaAbi.SPAWN_OPEN -> {
                    long len = m.readU32(e + PATH_LEN);
                    pathBytes += len;
                    if (pathBytes > Spawn.ARG_MAX) throw Errno.ENOMEM.fail("file actions with over " + Spawn.ARG_MAX + " bytes of paths");
                    yield new FileAction.Open(fd, Paths.path(c, m.readU32(e + PATH), len), arg & ArcaAbi.SPAWN_OPEN_OFLAGS, fdflags,
                            (arg & ArcaAbi.SPAWN_OPEN_READ) != 0, (arg & ArcaAbi.SPAWN_OPEN_WRITE) != 0);
                }
                default -> throw Errno.EINVAL.fail("file action kind " + kind);
            });
        }
        int pgroup = (int) a[8];
        m.check(a[9], 4);
        if (pgroup < ArcaAbi.PGROUP_KEEP) throw Errno.EINVAL.fail("process group " + pgroup);
        if (argv.isEmpty()) argv = List.of(path);
        int group = pgroup == ArcaAbi.PGROUP_KEEP ? 0 : pgroup == ArcaAbi.PGROUP_NEW ? -1 : pgroup; // the kernel's convention
        Process child = c.kernel().spawn(c.process(), path, argv, envp, actions, group, mask, toDefault);
        c.spawned(child);
        m.writeI32(a[9], child.pid());
        return 0;
    }

    /** NUL-terminated strings packed in one buffer (the kernel checks them against ARG_MAX). */
    static List<String> strings(GuestMemory m, long ptr, long len) throws ErrnoException {
        long n = len & 0xFFFF_FFFFL;
        if (n > Spawn.ARG_MAX) throw Errno.E2BIG.fail("argument or environment block over " + Spawn.ARG_MAX + " bytes");
        byte[] b = m.readBytes(ptr, n);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start != b.length) throw Errno.EINVAL.fail("string block not NUL-terminated");
        return out;
    }

    public static int waitpid(SyscallContext c, long[] a) throws ErrnoException {
        GuestMemory m = c.memory();
        int pid = (int) a[0];
        int options = (int) a[1];
        if ((options & ~ArcaAbi.WNOHANG) != 0) throw Errno.EINVAL.fail("wait options " + options);
        m.check(a[2], 4);
        m.check(a[3], 4);
        c.runChildHere((options & ArcaAbi.WNOHANG) == 0 ? pid : 0);
        Kernel.Reaped r = c.kernel().waitChild(c.process(), pid, (options & ArcaAbi.WNOHANG) != 0);
        m.writeI32(a[2], r.status());
        m.writeI32(a[3], r.pid());
        return 0;
    }

    public static int getpid(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().writeI32(a[0], c.process().pid());
        return 0;
    }

    public static int getppid(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().writeI32(a[0], c.process().ppid());
        return 0;
    }

    public static int getpgrp(SyscallContext c, long[] a) throws ErrnoException {
        c.memory().writeI32(a[0], c.process().processGroup());
        return 0;
    }

    /** Linux's resource numbers (RLIMIT_*) and RLIM_INFINITY. */
    static final int RLIMIT_CPU = 0, RLIMIT_DATA = 2, RLIMIT_CORE = 4, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7,
            RLIMIT_AS = 9, RLIMIT_NLIMITS = 16;
    static final long RLIM_INFINITY = -1L;

    /**
     * getrlimit(2): the limits Arca enforces, the same soft and hard (a guest cannot change them):
     * descriptors, linear memory (address space and data), CPU seconds, processes of the instance;
     * core files 0 (none is written); any other resource has no limit.
     */
    public static int getrlimit(SyscallContext c, long[] a) throws ErrnoException {
        int resource = (int) a[0];
        if (resource < 0 || resource >= RLIMIT_NLIMITS) throw Errno.EINVAL.fail("resource " + resource);
        var limits = c.process().limits();
        long value = switch (resource) {
            case RLIMIT_NOFILE -> limits.openFiles();
            case RLIMIT_AS, RLIMIT_DATA -> limits.memoryBytes();
            case RLIMIT_CPU -> limits.cpuMillis() == 0 ? RLIM_INFINITY : (limits.cpuMillis() + 999) / 1000;
            case RLIMIT_NPROC -> c.kernel().processLimit();
            case RLIMIT_CORE -> 0;
            default -> RLIM_INFINITY;
        };
        GuestMemory m = c.memory();
        m.check(a[1], 16);
        m.writeI64(a[1], value);
        m.writeI64(a[1] + 8, value);
        return 0;
    }

    public static int kill(SyscallContext c, long[] a) throws ErrnoException {
        c.kernel().kill(c.process(), (int) a[0], (int) a[1]);
        return 0;
    }
}
