package dev.arca.kernel.fd;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's descriptor table. The lowest free number is used first, as POSIX requires; at most
 * {@code limit} descriptors are open at once (EMFILE beyond). Its monitor guards the slots.
 */
public final class FdTable {
    private final List<Descriptor> slots = new ArrayList<>();
    private final int limit;

    public FdTable(int limit) {
        this.limit = limit;
    }

    /** The descriptor {@code fd}. Errors: EBADF. */
    public synchronized Descriptor get(int fd) throws ErrnoException {
        if (fd < 0 || fd >= slots.size() || slots.get(fd) == null) throw Errno.EBADF.fail("fd " + fd);
        return slots.get(fd);
    }

    public synchronized boolean isOpen(int fd) {
        return fd >= 0 && fd < slots.size() && slots.get(fd) != null;
    }

    /** The descriptor {@code fd}, which must carry {@code rights}. Errors: EBADF, ENOTCAPABLE. */
    public Descriptor get(int fd, long rights) throws ErrnoException {
        Descriptor d = get(fd);
        long missing = rights & ~d.rightsBase();
        if (missing != 0) throw missingRights(fd, missing).fail("fd " + fd + " lacks rights 0x" + Long.toHexString(missing));
        return d;
    }

    /**
     * The errno for a descriptor that lacks rights. Where the right stands for the access mode
     * the file was opened with, POSIX programs expect Linux's answer (read or write on the wrong
     * mode: EBADF; ftruncate of a read-only descriptor: EINVAL); any other missing capability is
     * ENOTCAPABLE.
     */
    private static Errno missingRights(int fd, long missing) {
        if ((missing & (Wasi.RIGHT_FD_READ | Wasi.RIGHT_FD_WRITE)) != 0) return Errno.EBADF;
        if (missing == Wasi.RIGHT_FD_FILESTAT_SET_SIZE) return Errno.EINVAL;
        return Errno.ENOTCAPABLE;
    }

    /** Installs a new descriptor in the lowest free slot. Errors: EMFILE. */
    public synchronized int add(Descriptor d) throws ErrnoException {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) == null) {
                slots.set(i, d);
                return i;
            }
        }
        if (slots.size() >= limit) throw Errno.EMFILE.fail("open file limit " + limit);
        slots.add(d);
        return slots.size() - 1;
    }

    /** Replaces the rights of an open descriptor (they may only shrink; callers check). */
    public synchronized void replace(int fd, Descriptor d) throws ErrnoException {
        get(fd);
        slots.set(fd, d);
    }

    public void close(int fd) throws ErrnoException {
        Descriptor d;
        synchronized (this) {
            d = get(fd);
            slots.set(fd, null);
        }
        d.file().release();
    }

    /** Moves {@code from} onto {@code to}, closing what {@code to} held. Errors: EBADF. */
    public void renumber(int from, int to) throws ErrnoException {
        Descriptor replaced;
        synchronized (this) {
            Descriptor d = get(from);
            replaced = get(to);
            if (from == to) return;
            slots.set(to, d);
            slots.set(from, null);
        }
        replaced.file().release();
    }

    /** Installs a descriptor sharing {@code d}'s description in the lowest free slot at or above {@code min}. */
    public int duplicateAtLeast(Descriptor d, int min) throws ErrnoException {
        if (min >= limit) throw Errno.EINVAL.fail("minimum descriptor beyond the open file limit");
        d.file().retain();
        synchronized (this) {
            for (int i = min; i < limit; i++) {
                while (slots.size() <= i) slots.add(null);
                if (slots.get(i) == null) {
                    slots.set(i, d.withCloseOnSpawn(false));
                    return i;
                }
            }
        }
        d.file().release();
        throw Errno.EMFILE.fail("open file limit " + limit);
    }

    /** Installs a descriptor sharing {@code d}'s description, as dup(2). */
    public int duplicate(Descriptor d) throws ErrnoException {
        d.file().retain();
        try {
            return add(d);
        } catch (ErrnoException e) {
            d.file().release();
            throw e;
        }
    }

    /**
     * Makes {@code newFd} refer to {@code d}'s description, as dup2(2): closes what {@code newFd}
     * held; the copy does not close on spawn. Errors: EBADF for a number outside the limit.
     */
    public void duplicateTo(Descriptor d, int newFd) throws ErrnoException {
        if (newFd < 0 || newFd >= limit) throw Errno.EBADF.fail("fd " + newFd + " outside the open file limit");
        Descriptor replaced;
        d.file().retain();
        synchronized (this) {
            while (slots.size() <= newFd) slots.add(null);
            replaced = slots.get(newFd);
            slots.set(newFd, d.withCloseOnSpawn(false));
        }
        if (replaced != null) replaced.file().release();
    }

    /**
     * A copy for a spawned child, sharing descriptions: every descriptor, those marked
     * close-on-spawn too, because the spawn's file actions come first (a dup2 from one of them is
     * how a child gets a pipe made with O_CLOEXEC); {@link #closeMarked} then drops the rest, as
     * exec does.
     */
    public FdTable inherit(int childLimit) {
        FdTable child = new FdTable(childLimit);
        synchronized (this) {
            int n = Math.min(slots.size(), childLimit);
            for (int i = 0; i < n; i++) {
                Descriptor d = slots.get(i);
                if (d != null) d.file().retain();
                child.slots.add(d);
            }
        }
        return child;
    }

    /** Closes the descriptors marked close-on-spawn (a spawned child's, after its file actions). */
    public void closeMarked() {
        List<Descriptor> closed = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < slots.size(); i++) {
                Descriptor d = slots.get(i);
                if (d != null && d.closeOnSpawn()) {
                    closed.add(d);
                    slots.set(i, null);
                }
            }
        }
        for (Descriptor d : closed) d.file().release();
    }

    /** Closes every descriptor (process exit). */
    public void closeAll() {
        List<Descriptor> all;
        synchronized (this) {
            all = new ArrayList<>(slots);
            slots.clear();
        }
        for (Descriptor d : all) {
            if (d != null) d.file().release();
        }
    }

    public synchronized int size() {
        return slots.size();
    }
}
