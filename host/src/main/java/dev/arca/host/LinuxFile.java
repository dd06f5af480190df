package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A {@link HostFile} on a Linux descriptor: pread/pwrite at absolute positions. Data in the Java
 * heap is staged through a per-thread native buffer (as {@code FileChannel} does); direct buffers
 * go to the host as they are.
 */
final class LinuxFile implements HostFile {
    private static final int STAGE = 256 * 1024;
    private static final ThreadLocal<MemorySegment> STAGING = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STAGE, 64));

    private final HostFd fd;

    LinuxFile(HostFd fd) {
        this.fd = fd;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws ErrnoException {
        if (position < 0) throw Errno.EINVAL.fail("negative position");
        int want = dst.remaining();
        if (want == 0) return 0;
        int f = fd.acquire();
        try {
            MemorySegment target = MemorySegment.ofBuffer(dst);
            if (target.isNative()) {
                int n = (int) LinuxCalls.pread(f, target, want, position);
                dst.position(dst.position() + n);
                return n;
            }
            MemorySegment stage = STAGING.get();
            int total = 0;
            while (total < want) {
                int chunk = Math.min(want - total, STAGE);
                int n = (int) LinuxCalls.pread(f, stage, chunk, position + total);
                if (n <= 0) break;
                MemorySegment.copy(stage, 0, target, total, n);
                total += n;
                if (n < chunk) break; // end of file
            }
            dst.position(dst.position() + total);
            return total;
        } finally {
            fd.release();
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws ErrnoException {
        if (position < 0) throw Errno.EINVAL.fail("negative position");
        int want = src.remaining();
        if (want == 0) return 0;
        int f = fd.acquire();
        try {
            MemorySegment from = MemorySegment.ofBuffer(src);
            int total = 0;
            if (from.isNative()) {
                while (total < want) {
                    total += (int) LinuxCalls.pwrite(f, from.asSlice(total), want - total, position + total);
                }
            } else {
                MemorySegment stage = STAGING.get();
                while (total < want) {
                    int chunk = Math.min(want - total, STAGE);
                    MemorySegment.copy(from, total, stage, 0, chunk);
                    int done = 0;
                    while (done < chunk) {
                        done += (int) LinuxCalls.pwrite(f, stage.asSlice(done), chunk - done, position + total + done);
                    }
                    total += chunk;
                }
            }
            src.position(src.position() + total);
            return total;
        } finally {
            fd.release();
        }
    }

    @Override
    public long size() throws ErrnoException {
        return stat().size();
    }

    @Override
    public void setSize(long size) throws ErrnoException {
        if (size < 0) throw Errno.EINVAL.fail("negative size");
        int f = fd.acquire();
        try {
            LinuxCalls.ftruncate(f, size);
        } finally {
            fd.release();
        }
    }

    @Override
    public void sync(boolean dataOnly) throws ErrnoException {
        int f = fd.acquire();
        try {
            LinuxCalls.fsync(f, dataOnly);
        } finally {
            fd.release();
        }
    }

    @Override
    public void startWriteback() throws ErrnoException {
        int f = fd.acquire();
        try {
            LinuxCalls.startWriteback(f, 0, 0);
        } finally {
            fd.release();
        }
    }

    @Override
    public HostStat stat() throws ErrnoException {
        int f = fd.acquire();
        try {
            return LinuxCalls.statx(f, "");
        } finally {
            fd.release();
        }
    }

    @Override
    public void setTimes(long atimeNanos, long mtimeNanos) throws ErrnoException {
        int f = fd.acquire();
        try {
            LinuxCalls.utimensat(f, "", atimeNanos, mtimeNanos);
        } finally {
            fd.release();
        }
    }

    @Override
    public boolean tryLock(boolean exclusive) throws ErrnoException {
        int f = fd.acquire();
        try {
            return LinuxCalls.tryFlock(f, exclusive);
        } finally {
            fd.release();
        }
    }

    @Override
    public void punchHole(long position, long length) throws ErrnoException {
        if (position < 0 || length <= 0) throw Errno.EINVAL.fail("bad range");
        int f = fd.acquire();
        try {
            LinuxCalls.fallocate(f, LinuxCalls.FALLOC_FL_PUNCH_HOLE | LinuxCalls.FALLOC_FL_KEEP_SIZE, position, length);
        } finally {
            fd.release();
        }
    }

    @Override
    public String name() {
        return fd.name();
    }

    @Override
    public void close() {
        fd.close();
    }
}
