package dev.arca.fs.union;

import static dev.arca.fs.union.UnionFs.COPY_TMP;
import static dev.arca.fs.union.UnionFs.LONG_WH;
import static dev.arca.fs.union.UnionFs.LOWER_BIT;
import static dev.arca.fs.union.UnionFs.OPAQUE;
import static dev.arca.fs.union.UnionFs.WH;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.FileSystem;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.tree.Tree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One path of a {@link UnionFs}: its node in the upper layer, in the lower layer, or both (two
 * directories that merge). Every field is guarded by {@code fs.mu}.
 */
final class UnionNode implements Node {
    private final UnionFs fs;
    private UnionNode parent;
    private String name;
    private Node upper; // null until copied up
    private Node lower; // null when the lower layer has nothing visible here
    private boolean detached; // removed from the tree (still open somewhere)
    private final Map<String, UnionNode> children = new HashMap<>();
    private int pins; // descriptors holding this node
    private Node pinnedUpper, pinnedLower; // the layers' nodes, pinned while pins > 0

    UnionNode(UnionFs fs, UnionNode parent, String name, Node upper, Node lower) {
        this.fs = fs;
        this.parent = parent;
        this.name = name;
        this.upper = upper;
        this.lower = lower;
    }

    @Override
    public FileSystem fileSystem() {
        return fs;
    }

    private Node top() {
        return upper != null ? upper : lower;
    }

    @Override
    public Stat stat() throws ErrnoException {
        synchronized (fs.mu) {
            if (upper != null) return upper.stat();
            Stat s = lower.stat();
            return new Stat(s.device(), s.inode() | LOWER_BIT, s.filetype(), s.links(), s.size(), s.atime(), s.mtime(), s.ctime());
        }
    }

    @Override
    public byte filetype() throws ErrnoException {
        synchronized (fs.mu) {
            return top().filetype();
        }
    }

    private boolean isDir() throws ErrnoException {
        return top().filetype() == Wasi.FILETYPE_DIRECTORY;
    }

    private static boolean isDir(Node n) throws ErrnoException {
        return n.filetype() == Wasi.FILETYPE_DIRECTORY;
    }

    private static boolean reserved(String name) {
        return name.startsWith(WH);
    }

    private static ErrnoException reservedName(String name) {
        return Errno.EINVAL.fail("'" + name + "': names beginning with .wh. are reserved by the union mount");
    }

    /** The child called {@code name} in {@code dir}, or null if there is none. */
    private static Node find(Node dir, String name) throws ErrnoException {
        try {
            return dir.lookup(name);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    private void checkDir() throws ErrnoException {
        if (!isDir()) throw Errno.ENOTDIR.fail();
    }

    /** The visible child {@code name}, or null. One object per path while it exists. */
    private UnionNode child(String name) throws ErrnoException {
        UnionNode c = children.get(name);
        if (c != null) return c;
        Node u = upper == null ? null : find(upper, name);
        Node l = null;
        if (lower != null && (u == null || isDir(u))) {
            boolean hidden = u == null ? upper != null && whitedOut(upper, name) : find(u, OPAQUE) != null;
            if (!hidden) l = find(lower, name);
            if (l != null && u != null && !isDir(l)) l = null;
        }
        if (u == null && l == null) return null;
        c = new UnionNode(fs, this, name, u, l);
        children.put(name, c);
        return c;
    }

    /** Whether the lower layer has {@code name} here (visible or whited out). */
    private boolean lowerHas(String name) throws ErrnoException {
        return lower != null && find(lower, name) != null;
    }

    private void removeWhiteout(String name) throws ErrnoException {
        for (String wh : List.of(WH + name, whiteoutName(name))) {
            if (find(upper, wh) != null) upper.unlink(wh);
        }
    }

    private void whiteout(String name) throws ErrnoException {
        upper.createFile(whiteoutName(name), false);
    }

    /**
     * The whiteout of {@code name}: {@code .wh.NAME}, or where that is longer than a name may be,
     * {@code .wh..wh..h.} and the SHA-256 of the name in hex. (A name of the second form cannot
     * be a whiteout of the first: the guest's names never begin with {@code .wh.}.)
     */
    static String whiteoutName(String name) {
        String plain = WH + name;
        if (Tree.utf8Length(plain) <= Tree.NAME_MAX) return plain;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return LONG_WH + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Whether upper directory {@code dir} holds a whiteout of {@code name} (in either form). */
    private static boolean whitedOut(Node dir, String name) throws ErrnoException {
        String wh = whiteoutName(name);
        return find(dir, wh) != null || !wh.equals(WH + name) && find(dir, WH + name) != null;
    }

    /** Removes the whiteouts and markers in an upper directory that is empty to the guest. */
    private static void clearReserved(Node dir) throws ErrnoException {
        for (DirEntry e : dir.list()) {
            if (!reserved(e.name())) continue;
            if (e.filetype() == Wasi.FILETYPE_DIRECTORY) {
                clearReserved(dir.lookup(e.name()));
                dir.removeDirectory(e.name());
            } else {
                dir.unlink(e.name());
            }
        }
    }

    // ---- copy-up ---------------------------------------------------------------------------

    /** Gives this node an upper copy (its parents first). A file is copied whole. */
    private void copyUp() throws ErrnoException {
        if (upper != null) return;
        if (detached || parent == null) throw Errno.ENOENT.fail("union: copy-up of a removed file");
        parent.copyUp();
        Node dir = parent.upper;
        Stat st = lower.stat();
        byte type = lower.filetype();
        if (type == Wasi.FILETYPE_DIRECTORY) {
            dir.createDirectory(name);
            Node d = dir.lookup(name);
            d.setTimes(st.atime(), st.mtime());
            upper = d;
        } else if (type == Wasi.FILETYPE_SYMBOLIC_LINK) {
            dir.createSymlink(name, lower.readlink());
            upper = dir.lookup(name);
        } else {
            Node tmp = dir.createFile(COPY_TMP, false);
            FileHandle out = tmp.open(false, true);
            try {
                out.truncate(0);
                FileHandle in = lower.open(true, false);
                try {
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    long pos = 0;
                    while (true) {
                        buf.clear();
                        int n = in.read(buf, pos);
                        if (n <= 0) break;
                        buf.flip();
                        while (buf.hasRemaining()) pos += out.write(buf, pos);
                    }
                } finally {
                    in.close();
                }
                out.sync(false);
            } finally {
                out.close();
            }
            tmp.setTimes(st.atime(), st.mtime());
            dir.rename(COPY_TMP, dir, name);
            upper = dir.lookup(name);
        }
        copiedUp();
    }

    // ---- pins -------------------------------------------------------------------------------

    /**
     * A descriptor holds this node: its layers' nodes are pinned too, so that an upper node
     * removed from its layer is not released (and its inode number not reused) while held.
     * (With layers whose pinned node is another object, as hostfs's, this node still uses the
     * node it found; the union's layers are in-memory trees, where the two are one.)
     */
    @Override
    public Node pin() throws ErrnoException {
        synchronized (fs.mu) {
            if (pins == 0) {
                Node u = upper == null ? null : upper.pin();
                try {
                    pinnedLower = lower == null ? null : lower.pin();
                } catch (ErrnoException | RuntimeException e) {
                    if (u != null) u.unpin();
                    throw e;
                }
                pinnedUpper = u;
            }
            pins++;
            return this;
        }
    }

    @Override
    public void unpin() {
        synchronized (fs.mu) {
            if (pins == 0 || --pins > 0) return;
            if (pinnedUpper != null) pinnedUpper.unpin();
            if (pinnedLower != null) pinnedLower.unpin();
            pinnedUpper = pinnedLower = null;
        }
    }

    /** This node has just been given an upper node: held by a descriptor, it is pinned too. */
    private void copiedUp() throws ErrnoException {
        if (pins > 0 && pinnedUpper == null) pinnedUpper = upper.pin();
    }

    /** Copies this node and, for a directory, everything visible below it. */
    private void copyUpTree() throws ErrnoException {
        copyUp();
        if (!isDir() || lower == null) return;
        for (DirEntry e : list()) {
            UnionNode c = child(e.name());
            if (c != null) c.copyUpTree();
        }
    }

    /** After a move: nothing of the lower layer shows through here any more. */
    private void forgetLower() {
        lower = null;
        for (UnionNode c : children.values()) c.forgetLower();
    }

    private void detach() {
        detached = true;
        parent = null;
    }

    // ---- directories -----------------------------------------------------------------------

    @Override
    public Node lookup(String name) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            UnionNode c = reserved(name) ? null : child(name);
            if (c == null) throw Errno.ENOENT.fail();
            return c;
        }
    }

    @Override
    public Node createFile(String name, boolean exclusive) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            if (reserved(name)) throw reservedName(name);
            UnionNode c = child(name);
            if (c != null) {
                if (exclusive) throw Errno.EEXIST.fail();
                if (c.isDir()) throw Errno.EISDIR.fail();
                return c;
            }
            copyUp();
            Node n = upper.createFile(name, exclusive);
            removeWhiteout(name);
            c = new UnionNode(fs, this, name, n, null);
            children.put(name, c);
            return c;
        }
    }

    @Override
    public void createDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            if (reserved(name)) throw reservedName(name);
            if (child(name) != null) throw Errno.EEXIST.fail();
            copyUp();
            if (lowerHas(name)) {
                // a lower entry was deleted here: make the new directory opaque before it appears
                String tmp = COPY_TMP + "d";
                Node old = find(upper, tmp);
                if (old != null) {
                    clearReserved(old);
                    upper.removeDirectory(tmp);
                }
                upper.createDirectory(tmp);
                upper.lookup(tmp).createFile(OPAQUE, true);
                upper.rename(tmp, upper, name);
            } else {
                upper.createDirectory(name);
            }
            removeWhiteout(name);
        }
    }

    @Override
    public void createSymlink(String name, String target) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            if (reserved(name)) throw reservedName(name);
            if (child(name) != null) throw Errno.EEXIST.fail();
            copyUp();
            upper.createSymlink(name, target);
            removeWhiteout(name);
        }
    }

    @Override
    public void link(String name, Node existing) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            if (reserved(name)) throw reservedName(name);
            if (!(existing instanceof UnionNode e) || e.fs != fs) throw Errno.EXDEV.fail();
            if (child(name) != null) throw Errno.EEXIST.fail();
            if (e.isDir()) throw Errno.EPERM.fail("link to a directory");
            e.copyUp();
            copyUp();
            upper.link(name, e.upper);
            removeWhiteout(name);
        }
    }

    @Override
    public void unlink(String name) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            UnionNode c = reserved(name) ? null : child(name);
            if (c == null) throw Errno.ENOENT.fail();
            if (c.isDir()) throw Errno.EISDIR.fail();
            if (lowerHas(name)) {
                copyUp();
                whiteout(name); // first: with the upper entry still there, it wins
            }
            if (c.upper != null) upper.unlink(name);
            children.remove(name);
            c.detach();
        }
    }

    @Override
    public void removeDirectory(String name) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            UnionNode c = reserved(name) ? null : child(name);
            if (c == null) throw Errno.ENOENT.fail();
            if (!c.isDir()) throw Errno.ENOTDIR.fail();
            if (!c.list().isEmpty()) throw Errno.ENOTEMPTY.fail();
            if (lowerHas(name)) {
                copyUp();
                whiteout(name);
            }
            if (c.upper != null) {
                clearReserved(c.upper);
                upper.removeDirectory(name);
            }
            children.remove(name);
            c.detach();
        }
    }

    @Override
    public void rename(String name, Node newParent, String newName) throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            if (!(newParent instanceof UnionNode np) || np.fs != fs) throw Errno.EXDEV.fail();
            np.checkDir();
            UnionNode src = reserved(name) ? null : child(name);
            if (src == null) throw Errno.ENOENT.fail();
            if (reserved(newName)) throw reservedName(newName);
            UnionNode dst = np.child(newName);
            if (dst == src) return;
            boolean dir = src.isDir();
            if (dir) {
                for (UnionNode p = np; p != null; p = p.parent) {
                    if (p == src) throw Errno.EINVAL.fail("a directory into itself");
                }
            }
            if (dst != null) {
                if (dir && !dst.isDir()) throw Errno.ENOTDIR.fail();
                if (!dir && dst.isDir()) throw Errno.EISDIR.fail();
                if (dir && !dst.list().isEmpty()) throw Errno.ENOTEMPTY.fail();
            }
            boolean srcLower = lowerHas(name);
            Node below = np.lower == null ? null : find(np.lower, newName);
            boolean dstLowerDir = below != null && isDir(below);
            if (dir) src.copyUpTree(); else src.copyUp();
            np.copyUp();
            if (dir && (src.lower != null || dstLowerDir) && find(src.upper, OPAQUE) == null) {
                src.upper.createFile(OPAQUE, true);
            }
            if (dst != null && dst.upper != null && dir) clearReserved(dst.upper);
            if (srcLower) whiteout(name);
            upper.rename(name, np.upper, newName);
            np.removeWhiteout(newName);
            children.remove(name);
            if (dst != null) {
                np.children.remove(newName);
                dst.detach();
            }
            src.parent = np;
            src.name = newName;
            src.upper = np.upper.lookup(newName);
            src.forgetLower();
            np.children.put(newName, src);
        }
    }

    @Override
    public List<DirEntry> list() throws ErrnoException {
        synchronized (fs.mu) {
            checkDir();
            Map<String, DirEntry> out = new LinkedHashMap<>();
            Set<String> whiteouts = new HashSet<>(); // the reserved names, whiteouts among them
            boolean opaque = false;
            if (upper != null) {
                for (DirEntry e : upper.list()) {
                    if (!reserved(e.name())) {
                        out.put(e.name(), e);
                    } else if (e.name().equals(OPAQUE)) {
                        opaque = true;
                    } else {
                        whiteouts.add(e.name());
                    }
                }
            }
            if (lower != null && !opaque) {
                for (DirEntry e : lower.list()) {
                    if (out.containsKey(e.name()) || reserved(e.name())) continue;
                    if (whiteouts.contains(WH + e.name()) || whiteouts.contains(whiteoutName(e.name()))) continue;
                    out.put(e.name(), new DirEntry(e.name(), e.inode() | LOWER_BIT, e.filetype()));
                }
            }
            return new ArrayList<>(out.values());
        }
    }

    // ---- links and data --------------------------------------------------------------------

    @Override
    public String readlink() throws ErrnoException {
        synchronized (fs.mu) {
            return top().readlink();
        }
    }

    @Override
    public FileHandle open(boolean read, boolean write) throws ErrnoException {
        synchronized (fs.mu) {
            if (!write) return top().open(read, false);
            if (isDir()) throw Errno.EISDIR.fail();
            copyUp();
            return upper.open(read, true);
        }
    }

    @Override
    public void truncate(long size) throws ErrnoException {
        synchronized (fs.mu) {
            if (isDir()) throw Errno.EISDIR.fail();
            copyUp();
            upper.truncate(size);
        }
    }

    @Override
    public void setTimes(long atime, long mtime) throws ErrnoException {
        synchronized (fs.mu) {
            copyUp();
            upper.setTimes(atime, mtime);
        }
    }
}
