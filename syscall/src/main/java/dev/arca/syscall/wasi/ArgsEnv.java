package dev.arca.syscall.wasi;

import dev.arca.abi.ErrnoException;
import dev.arca.syscall.GuestMemory;
import dev.arca.syscall.SyscallContext;
import java.util.List;

/** args_get, args_sizes_get, environ_get, environ_sizes_get. */
public final class ArgsEnv {
    private ArgsEnv() {}

    public static int argsGet(SyscallContext c, long[] a) throws ErrnoException {
        return copyStrings(c.memory(), c.process().args(), a[0], a[1]);
    }

    public static int argsSizesGet(SyscallContext c, long[] a) throws ErrnoException {
        return sizes(c.memory(), c.process().args(), a[0], a[1]);
    }

    public static int environGet(SyscallContext c, long[] a) throws ErrnoException {
        return copyStrings(c.memory(), c.process().env(), a[0], a[1]);
    }

    public static int environSizesGet(SyscallContext c, long[] a) throws ErrnoException {
        return sizes(c.memory(), c.process().env(), a[0], a[1]);
    }

    private static long total(List<byte[]> strings) {
        long n = 0;
        for (byte[] s : strings) n += s.length + 1;
        return n;
    }

    /** Writes the pointer array and the NUL-terminated strings, after checking both ranges. */
    private static int copyStrings(GuestMemory m, List<byte[]> strings, long ptrs, long buf) throws ErrnoException {
        m.checkArray(ptrs, strings.size(), 4);
        m.check(buf, total(strings));
        long at = buf & 0xFFFF_FFFFL;
        for (int i = 0; i < strings.size(); i++) {
            byte[] s = strings.get(i);
            m.writeI32(ptrs + 4L * i, (int) at);
            m.writeBytes(at, s);
            m.writeU8(at + s.length, 0);
            at += s.length + 1;
        }
        return 0;
    }

    private static int sizes(GuestMemory m, List<byte[]> strings, long countPtr, long sizePtr) throws ErrnoException {
        m.check(countPtr, 4);
        m.check(sizePtr, 4);
        m.writeI32(countPtr, strings.size());
        m.writeI32(sizePtr, (int) total(strings));
        return 0;
    }
}
