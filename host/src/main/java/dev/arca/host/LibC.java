package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls java.nio cannot make faithfully: symlink(2) and readlink(2) with the target
 * as bytes (java.nio's Path drops a trailing slash and doubled slashes, which change what a link
 * means). Bound on first use through the JDK's foreign-function API.
 */
final class LibC {
    private LibC() {}

    private static final class Bound {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle SYMLINK = LINKER.downcallHandle(
                LINKER.defaultLookup().find("symlink").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
        static final MethodHandle READLINK = LINKER.downcallHandle(
                LINKER.defaultLookup().find("readlink").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.captureCallState("errno"));
    }

    static void symlink(String target, String link) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Bound.STATE);
            int r = (int) Bound.SYMLINK.invokeExact(state, cString(a, target), cString(a, link));
            if (r != 0) throw fromLinux((int) Bound.ERRNO.get(state, 0L), "symlink " + link);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Errno.EIO.fail("symlink: " + t);
        }
    }

    static String readlink(String path) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Bound.STATE);
            MemorySegment buf = a.allocate(4096);
            long n = (long) Bound.READLINK.invokeExact(state, cString(a, path), buf, 4096L);
            if (n < 0) throw fromLinux((int) Bound.ERRNO.get(state, 0L), "readlink " + path);
            return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Errno.EIO.fail("readlink: " + t);
        }
    }

    private static MemorySegment cString(Arena a, String s) throws ErrnoException {
        if (s.indexOf('\0') >= 0) throw Errno.EINVAL.fail("NUL in path");
        return a.allocateFrom(s, StandardCharsets.UTF_8);
    }

    /** Linux errno values (asm-generic) to WASI's. */
    static ErrnoException fromLinux(int e, String what) {
        Errno w = switch (e) {
            case 1 -> Errno.EPERM;
            case 2 -> Errno.ENOENT;
            case 5 -> Errno.EIO;
            case 13 -> Errno.EACCES;
            case 17 -> Errno.EEXIST;
            case 20 -> Errno.ENOTDIR;
            case 21 -> Errno.EISDIR;
            case 22 -> Errno.EINVAL;
            case 28 -> Errno.ENOSPC;
            case 30 -> Errno.EROFS;
            case 36 -> Errno.ENAMETOOLONG;
            case 40 -> Errno.ELOOP;
            case 122 -> Errno.EDQUOT;
            default -> Errno.EIO;
        };
        return w.fail(what);
    }
}
