package dev.arca.kernel.vfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The guest's namespace: path resolution over the {@link MountTable}, and every operation that
 * takes a path.
 *
 * <p>Resolution walks one component at a time from a starting directory (a descriptor's), asks
 * each file system about one name, crosses mounts by guest path, and follows symbolic links
 * itself, at most {@link #MAX_SYMLINKS} of them. A starting directory is a capability, as in WASI:
 * neither ".." nor a symbolic link nor an absolute path leads above it (ENOTCAPABLE), except that
 * the namespace root may resolve absolute symbolic links from itself.
 *
 * <p>Locking: {@link #mu} is held for reading while a path is resolved and used, and for writing
 * by operations that change names, so a concurrent rename or symlink cannot change what a checked
 * path means before it is used. Data I/O on open files happens outside it.
 */
public final class Vfs {
    /** As Linux's MAXSYMLINKS. */
    public static final int MAX_SYMLINKS = 40;
    /** Longest path accepted, as Linux's PATH_MAX. */
    public static final int PATH_MAX = 4096;
    /** Longest single name accepted, as Linux's NAME_MAX. */
    public static final int NAME_MAX = 255;

    private final ReentrantReadWriteLock mu = new ReentrantReadWriteLock();
    private final MountTable mounts;

    public Vfs(MountTable mounts) {
        this.mounts = mounts;
    }

    public MountTable mounts() {
        return mounts;
    }

    /** The namespace root "/". */
    public Location root() {
        Mount m = mounts.root();
        return new Location(m, m.fileSystem().root(), "/");
    }

    /** The location of an absolute guest path, for preopened directories. */
    public Location lookupAbsolute(String path) throws ErrnoException {
        String p = MountTable.normalise(path);
        return lookup(root(), p.equals("/") ? "." : p.substring(1), true);
    }

    // ---- resolution ------------------------------------------------------------------------

    /** A path resolved up to its last component. */
    private static final class Walk {
        final Location start;
        final Deque<Location> stack = new ArrayDeque<>();
        int links;
        String name;
        boolean trailingSlash;

        Walk(Location start) {
            this.start = start;
            stack.push(start);
        }

        Location dir() {
            return stack.peek();
        }
    }

    private Walk walkParent(Location start, String path) throws ErrnoException {
        Walk w = new Walk(start);
        walkInto(w, path);
        return w;
    }

    /** Resolves every component of {@code path} but the last, from the walk's current place. */
    private void walkInto(Walk w, String path) throws ErrnoException {
        if (path.isEmpty()) throw Errno.ENOENT.fail("empty path");
        if (path.length() > PATH_MAX) throw Errno.ENAMETOOLONG.fail();
        if (path.indexOf('\0') >= 0) throw Errno.EILSEQ.fail("NUL in path");
        if (path.startsWith("/")) {
            if (!w.start.path().equals("/") || w.start.mount() != mounts.root()) {
                throw Errno.ENOTCAPABLE.fail("absolute path outside the directory's capability");
            }
            while (w.stack.size() > 1) w.stack.pop();
        }
        List<String> comps = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) comps.add(c);
        }
        for (int i = 0; i < comps.size() - 1; i++) {
            step(w, comps.get(i));
        }
        // set after the steps: following a link in a step resets the walk's per-name state
        w.trailingSlash = path.endsWith("/");
        if (comps.isEmpty()) { // "/" or "///"
            w.name = ".";
            return;
        }
        String last = comps.get(comps.size() - 1);
        if (last.length() > NAME_MAX) throw Errno.ENAMETOOLONG.fail();
        w.name = last;
    }

    /** Moves the walk into directory {@code name}, following a symbolic link. */
    private void step(Walk w, String name) throws ErrnoException {
        if (name.equals(".")) return;
        if (name.equals("..")) {
            if (w.stack.size() == 1) throw Errno.ENOTCAPABLE.fail("'..' leads outside the directory's capability");
            w.stack.pop();
            return;
        }
        if (name.length() > NAME_MAX) throw Errno.ENAMETOOLONG.fail();
        Location child = child(w.dir(), name);
        if (child.node().filetype() == Wasi.FILETYPE_SYMBOLIC_LINK) {
            followLink(w, child);
            if (w.name != null) finishInto(w);
            return;
        }
        if (child.node().filetype() != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(name);
        w.stack.push(child);
    }

    /** Continues the walk with the target of {@code link}; leaves its last component in w.name. */
    private void followLink(Walk w, Location link) throws ErrnoException {
        if (++w.links > MAX_SYMLINKS) throw Errno.ELOOP.fail("too many symbolic links");
        String target = link.node().readlink();
        boolean trailing = w.trailingSlash;
        w.name = null;
        walkInto(w, target);
        w.trailingSlash |= trailing;
    }

    /** Resolves w.name (a directory expected) and pushes it. */
    private void finishInto(Walk w) throws ErrnoException {
        Location dir = finish(w, true);
        if (dir.node().filetype() != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail();
        w.name = null;
        w.trailingSlash = false;
        if (dir != w.stack.peek()) w.stack.push(dir); // "." and ".." leave their result on top already
    }

    /** Resolves the walk's last component. */
    private Location finish(Walk w, boolean follow) throws ErrnoException {
        while (true) {
            String name = w.name;
            Location result;
            if (name.equals(".")) {
                result = w.dir();
            } else if (name.equals("..")) {
                if (w.stack.size() == 1) throw Errno.ENOTCAPABLE.fail("'..' leads outside the directory's capability");
                w.stack.pop();
                result = w.dir();
            } else {
                result = child(w.dir(), name);
                if ((follow || w.trailingSlash) && result.node().filetype() == Wasi.FILETYPE_SYMBOLIC_LINK) {
                    followLink(w, result);
                    continue;
                }
            }
            if (w.trailingSlash && result.node().filetype() != Wasi.FILETYPE_DIRECTORY) {
                throw Errno.ENOTDIR.fail(name);
            }
            return result;
        }
    }

    /** The entry {@code name} of {@code dir}: a mount root if one is attached there. */
    private Location child(Location dir, String name) throws ErrnoException {
        String path = dir.child(name);
        Mount m = mounts.at(path);
        if (m != null) return new Location(m, m.fileSystem().root(), path);
        return new Location(dir.mount(), dir.node().lookup(name), path);
    }

    private static boolean isDotName(String name) {
        return name.equals(".") || name.equals("..");
    }

    private static void requireWritable(Location dir) throws ErrnoException {
        if (!dir.mount().writable()) throw Errno.EROFS.fail(dir.path());
    }

    // ---- operations ------------------------------------------------------------------------

    /** Resolves {@code path} from {@code start}. */
    public Location lookup(Location start, String path, boolean follow) throws ErrnoException {
        mu.readLock().lock();
        try {
            return finish(walkParent(start, path), follow);
        } finally {
            mu.readLock().unlock();
        }
    }

    /**
     * What {@link #open} found or made: the location, whose node is pinned (it keeps naming the
     * same file if renamed or unlinked; see {@link Node#pin}), and the open data (null for a
     * directory or a descriptor alias). Whoever receives it owns both: a {@code FileDescription}
     * takes them over, anyone else calls {@link #close}.
     */
    public record Opened(Location location, FileHandle handle) {
        public void close() {
            if (handle != null) handle.close();
            location.node().unpin();
        }
    }

    /**
     * Opens (and with {@code create}, makes) a file or directory. A directory is opened without a
     * handle. Errors: as open(2), and EROFS on a read-only mount.
     */
    public Opened open(Location start, String path, boolean follow, boolean create, boolean exclusive,
            boolean directory, boolean truncate, boolean read, boolean write) throws ErrnoException {
        boolean changes = create || truncate;
        var lock = changes ? mu.writeLock() : mu.readLock();
        lock.lock();
        try {
            Walk w = walkParent(start, path);
            Location loc;
            if (create) {
                loc = createOrFind(w, follow, exclusive, directory);
            } else {
                loc = finish(w, follow);
            }
            byte type = loc.node().filetype();
            if (type == Wasi.FILETYPE_SYMBOLIC_LINK) throw Errno.ELOOP.fail("symbolic link at the end of a NOFOLLOW path");
            if (directory && type != Wasi.FILETYPE_DIRECTORY) throw Errno.ENOTDIR.fail(path);
            FileHandle h = null;
            if (type == Wasi.FILETYPE_DIRECTORY) {
                if (write || truncate) throw Errno.EISDIR.fail(path);
            } else {
                if ((write || truncate) && !loc.mount().writable()) throw Errno.EROFS.fail(loc.path());
                if (loc.node().descriptorAlias() < 0) h = loc.node().open(read, write || truncate);
            }
            try {
                if (truncate && h != null) h.truncate(0); // through the file just opened, not its name again
                Node pinned = loc.node().pin();
                return new Opened(new Location(loc.mount(), pinned, loc.path()), h);
            } catch (ErrnoException | RuntimeException e) {
                if (h != null) h.close();
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens the data of the regular file at {@code path} for reading, following links, and
     * nothing more: its node is not pinned, as no descriptor will name it (a spawn reading a
     * program; pinning a host file costs two more host calls). The caller closes the handle.
     * Errors: as open(2); EACCES when it is not a regular file (a device is never opened).
     */
    public FileHandle openToRead(Location start, String path) throws ErrnoException {
        mu.readLock().lock();
        try {
            Location loc = finish(walkParent(start, path), true);
            if (loc.node().filetype() != Wasi.FILETYPE_REGULAR_FILE || loc.node().descriptorAlias() >= 0) {
                throw Errno.EACCES.fail(path + " is not a regular file");
            }
            return loc.node().open(true, false);
        } finally {
            mu.readLock().unlock();
        }
    }

    private Location createOrFind(Walk w, boolean follow, boolean exclusive, boolean directory) throws ErrnoException {
        for (int hops = 0; ; hops++) {
            if (isDotName(w.name)) {
                if (exclusive) throw Errno.EEXIST.fail(w.name);
                return finish(w, follow);
            }
            if (w.trailingSlash) throw Errno.EISDIR.fail("cannot create a file with a trailing slash");
            Location dir = w.dir();
            String path = dir.child(w.name);
            Location existing = null;
            if (mounts.at(path) != null) {
                existing = child(dir, w.name);
            } else {
                try {
                    existing = child(dir, w.name);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOENT) throw e;
                }
            }
            if (existing != null) {
                if (exclusive) throw Errno.EEXIST.fail(w.name);
                if (follow && existing.node().filetype() == Wasi.FILETYPE_SYMBOLIC_LINK) {
                    followLink(w, existing); // a dangling link creates its target, as open(2)
                    continue;
                }
                return existing;
            }
            if (directory) throw Errno.ENOENT.fail(w.name);
            requireWritable(dir);
            Node created = dir.node().createFile(w.name, exclusive);
            return new Location(dir.mount(), created, path);
        }
    }

    public Stat stat(Location start, String path, boolean follow) throws ErrnoException {
        mu.readLock().lock();
        try {
            return stat(finish(walkParent(start, path), follow));
        } finally {
            mu.readLock().unlock();
        }
    }

    /** Metadata with the mount's id as the device. */
    public Stat stat(Location loc) throws ErrnoException {
        return loc.node().stat().withDevice(loc.mount().id());
    }

    public void setTimes(Location start, String path, boolean follow, long atime, long mtime) throws ErrnoException {
        mu.readLock().lock();
        try {
            Location loc = finish(walkParent(start, path), follow);
            requireWritable(loc);
            loc.node().setTimes(atime, mtime);
        } finally {
            mu.readLock().unlock();
        }
    }

    public void createDirectory(Location start, String path) throws ErrnoException {
        mu.writeLock().lock();
        try {
            Walk w = walkParent(start, path);
            if (isDotName(w.name) || mounts.at(w.dir().child(w.name)) != null) throw Errno.EEXIST.fail(path);
            requireWritable(w.dir());
            w.dir().node().createDirectory(w.name);
        } finally {
            mu.writeLock().unlock();
        }
    }

    public void removeDirectory(Location start, String path) throws ErrnoException {
        mu.writeLock().lock();
        try {
            Walk w = walkParent(start, path);
            if (w.name.equals(".")) throw Errno.EINVAL.fail("cannot remove '.'");
            if (w.name.equals("..")) throw Errno.ENOTEMPTY.fail("cannot remove '..'");
            if (mounts.at(w.dir().child(w.name)) != null) throw Errno.EBUSY.fail("mount point");
            requireWritable(w.dir());
            w.dir().node().removeDirectory(w.name);
        } finally {
            mu.writeLock().unlock();
        }
    }

    public void unlink(Location start, String path) throws ErrnoException {
        mu.writeLock().lock();
        try {
            Walk w = walkParent(start, path);
            if (isDotName(w.name)) throw Errno.EISDIR.fail(path);
            Location dir = w.dir();
            if (mounts.at(dir.child(w.name)) != null) throw Errno.EISDIR.fail("mount point");
            if (w.trailingSlash) {
                // "file/" names a directory: a file there is ENOTDIR, a directory EISDIR
                Location target = child(dir, w.name);
                throw (target.node().filetype() == Wasi.FILETYPE_DIRECTORY ? Errno.EISDIR : Errno.ENOTDIR).fail(path);
            }
            requireWritable(dir);
            dir.node().unlink(w.name);
        } finally {
            mu.writeLock().unlock();
        }
    }

    public void symlink(String target, Location start, String path) throws ErrnoException {
        if (target.isEmpty()) throw Errno.ENOENT.fail("empty symbolic link target");
        // as WASI requires: a guest's paths are relative to capabilities, so no absolute links
        if (target.startsWith("/")) throw Errno.EPERM.fail("absolute symbolic link target");
        if (target.indexOf('\0') >= 0) throw Errno.EILSEQ.fail();
        if (target.length() > PATH_MAX) throw Errno.ENAMETOOLONG.fail();
        mu.writeLock().lock();
        try {
            Walk w = walkParent(start, path);
            if (isDotName(w.name)) throw Errno.EEXIST.fail(path);
            Location dir = w.dir();
            if (w.trailingSlash) {
                try {
                    child(dir, w.name);
                    throw Errno.EEXIST.fail(path);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENOENT) throw Errno.ENOENT.fail("trailing slash on a new symbolic link");
                    throw e;
                }
            }
            if (mounts.at(dir.child(w.name)) != null) throw Errno.EEXIST.fail(path);
            requireWritable(dir);
            dir.node().createSymlink(w.name, target);
        } finally {
            mu.writeLock().unlock();
        }
    }

    public String readlink(Location start, String path) throws ErrnoException {
        mu.readLock().lock();
        try {
            return finish(walkParent(start, path), false).node().readlink();
        } finally {
            mu.readLock().unlock();
        }
    }

    public void link(Location oldStart, String oldPath, boolean follow, Location newStart, String newPath) throws ErrnoException {
        mu.writeLock().lock();
        try {
            Location existing = finish(walkParent(oldStart, oldPath), follow);
            Walk w = walkParent(newStart, newPath);
            if (isDotName(w.name)) throw Errno.EEXIST.fail(newPath);
            Location dir = w.dir();
            if (existing.node().filetype() == Wasi.FILETYPE_DIRECTORY) throw Errno.EPERM.fail("hard link to a directory");
            if (w.trailingSlash) {
                try {
                    child(dir, w.name);
                    throw Errno.EEXIST.fail(newPath);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENOENT) throw Errno.ENOENT.fail(newPath);
                    throw e;
                }
            }
            if (existing.mount() != dir.mount()) throw Errno.EXDEV.fail("link across mounts");
            requireWritable(dir);
            dir.node().link(w.name, existing.node());
        } finally {
            mu.writeLock().unlock();
        }
    }

    public void rename(Location oldStart, String oldPath, Location newStart, String newPath) throws ErrnoException {
        mu.writeLock().lock();
        try {
            Walk from = walkParent(oldStart, oldPath);
            Walk to = walkParent(newStart, newPath);
            if (isDotName(from.name) || isDotName(to.name)) throw Errno.EBUSY.fail("cannot rename '.' or '..'");
            Location src = child(from.dir(), from.name);
            if (src.isMountRoot() || mounts.at(to.dir().child(to.name)) != null) throw Errno.EBUSY.fail("mount point");
            boolean srcDir = src.node().filetype() == Wasi.FILETYPE_DIRECTORY;
            if ((from.trailingSlash || to.trailingSlash) && !srcDir) {
                throw Errno.ENOTDIR.fail("trailing slash on a file");
            }
            if (from.dir().mount() != to.dir().mount()) throw Errno.EXDEV.fail("rename across mounts");
            requireWritable(from.dir());
            from.dir().node().rename(from.name, to.dir().node(), to.name);
        } finally {
            mu.writeLock().unlock();
        }
    }

    /**
     * The entries of an open directory, with "." and ".." first. A mount point is listed only if
     * it exists as a directory below the mount (as on Linux); mount points made by the operator
     * on a host directory are reachable without being listed, so Arca never has to create
     * anything on the host for them.
     */
    public List<DirEntry> list(Location dir) throws ErrnoException {
        mu.readLock().lock();
        try {
            List<DirEntry> out = new ArrayList<>();
            long self = dir.node().stat().inode();
            out.add(new DirEntry(".", self, Wasi.FILETYPE_DIRECTORY));
            out.add(new DirEntry("..", self, Wasi.FILETYPE_DIRECTORY));
            out.addAll(dir.node().list());
            return out;
        } finally {
            mu.readLock().unlock();
        }
    }
}
