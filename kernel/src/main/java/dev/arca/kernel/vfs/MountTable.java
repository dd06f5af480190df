package dev.arca.kernel.vfs;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.fs.FileSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which file system is attached where. A mount point does not have to exist as a directory in
 * the file system below it: the VFS finds mounts by guest path before it asks the file system.
 * The table is filled before the first process starts and read without locks afterwards.
 */
public final class MountTable {
    private final Map<String, Mount> byPath = new TreeMap<>();

    /** Attaches {@code fs} at {@code guestPath}; "/" must come first. Errors: EEXIST, EINVAL. */
    public synchronized Mount mount(String guestPath, FileSystem fs, boolean readOnly) throws ErrnoException {
        String path = normalise(guestPath);
        if (byPath.containsKey(path)) throw Errno.EEXIST.fail("already mounted: " + path);
        if (!path.equals("/") && !byPath.containsKey("/")) throw Errno.EINVAL.fail("mount / first");
        Mount m = new Mount(byPath.size() + 1, fs, path, readOnly);
        byPath.put(path, m);
        return m;
    }

    /** The mount at exactly {@code path}, or null. */
    public Mount at(String path) {
        return byPath.get(path);
    }

    public Mount root() {
        return byPath.get("/");
    }

    public List<Mount> all() {
        return List.copyOf(byPath.values());
    }

    /**
     * An absolute path with ".", ".." and repeated slashes resolved lexically; used for mount
     * points given by the operator, never for guest paths (those go through {@link Vfs}).
     */
    public static String normalise(String path) throws ErrnoException {
        if (path == null || !path.startsWith("/")) throw Errno.EINVAL.fail("mount point must be absolute: " + path);
        List<String> parts = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!parts.isEmpty()) parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(c);
        }
        return "/" + String.join("/", parts);
    }
}
