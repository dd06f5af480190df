package dev.arca.fs.encfs.nio;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.Node;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.HostBlockStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One mounted volume (or image) as a {@link FileSystem}: resolves {@link VolPath}s to encfs
 * {@link Node}s, symbolic links followed as the kernel's VFS does (at most 40).
 */
final class VolFileSystem extends FileSystem {
    private final ArcaVolProvider provider;
    final Path hostFile;
    final EncFs encfs;
    private final HostBlockStore store;
    private final dev.arca.fs.encfs.LocalFreshness record; // the volume's freshness record, kept open while mounted; or null
    private volatile boolean open = true;

    VolFileSystem(ArcaVolProvider provider, Path hostFile, EncFs encfs, HostBlockStore store, dev.arca.fs.encfs.LocalFreshness record) {
        this.provider = provider;
        this.hostFile = hostFile;
        this.encfs = encfs;
        this.store = store;
        this.record = record;
    }

    URI uri(String inner) {
        try {
            return new URI(ArcaVolProvider.SCHEME, hostFile.toUri().getPath() + "!" + inner, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- resolution ------------------------------------------------------------------------

    /** The node at {@code p} (relative paths start at the root); the last link followed if asked. */
    Node node(Path path, boolean followLast) throws IOException {
        VolPath p = VolPath.check(path);
        try {
            return walk(encfs.root(), new ArrayDeque<>(Arrays.asList(p.names())), followLast, p);
        } catch (ErrnoException e) {
            throw io(e, p);
        }
    }

    /** The directory holding {@code p}'s last name (which must exist and be a directory). */
    Node parent(Path path) throws IOException {
        VolPath p = VolPath.check(path);
        if (p.getNameCount() == 0) throw new FileSystemException(p.toString(), null, "the root has no parent");
        Node dir = node(p.toAbsolutePath().getParent(), true);
        try {
            if (dir.filetype() != Wasi.FILETYPE_DIRECTORY) throw new NotDirectoryException(p.getParent().toString());
        } catch (ErrnoException e) {
            throw io(e, p);
        }
        return dir;
    }

    static String name(Path p) throws IOException {
        String n = VolPath.check(p).getFileName().toString();
        if (n.equals(".") || n.equals("..")) throw new FileSystemException(p.toString(), null, "not a name");
        return n;
    }

    private Node walk(Node root, Deque<String> rest, boolean followLast, VolPath p) throws ErrnoException, IOException {
        checkOpen();
        Deque<Node> stack = new ArrayDeque<>();
        Node cur = root;
        int links = 0;
        while (!rest.isEmpty()) {
            String n = rest.removeFirst();
            if (n.isEmpty() || n.equals(".")) continue;
            if (n.equals("..")) {
                if (!stack.isEmpty()) cur = stack.removeLast();
                continue;
            }
            Node next = cur.lookup(n);
            if (next.filetype() == Wasi.FILETYPE_SYMBOLIC_LINK && (followLast || !rest.isEmpty())) {
                if (++links > 40) throw new FileSystemLoopException(p.toString());
                String target = next.readlink();
                List<String> parts = Arrays.asList(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) rest.addFirst(parts.get(i));
                if (target.startsWith("/")) {
                    cur = root;
                    stack.clear();
                }
                continue;
            }
            stack.addLast(cur);
            cur = next;
        }
        return cur;
    }

    void checkOpen() {
        if (!open) throw new ClosedFileSystemException();
    }

    /** The errno a node gave, as the exception {@code java.nio.file} callers expect. */
    static IOException io(ErrnoException e, Path p) {
        String f = p.toString();
        return switch (e.errno()) {
            case ENOENT -> new NoSuchFileException(f);
            case EEXIST -> new FileAlreadyExistsException(f);
            case ENOTEMPTY -> new DirectoryNotEmptyException(f);
            case ENOTDIR -> new NotDirectoryException(f);
            case EACCES, EPERM -> new AccessDeniedException(f, null, e.getMessage());
            case ELOOP -> new FileSystemLoopException(f);
            default -> new FileSystemException(f, null, e.getMessage());
        };
    }

    static IOException notLink(Path p) {
        return new NotLinkException(p.toString());
    }

    static ErrnoException readOnly() {
        return Errno.EROFS.fail("read-only volume");
    }

    // ---- FileSystem ------------------------------------------------------------------------

    @Override
    public ArcaVolProvider provider() {
        return provider;
    }

    /** Commits, closes the volume and releases its lock. */
    @Override
    public void close() throws IOException {
        if (!open) return;
        open = false;
        provider.forget(this);
        try {
            encfs.close();
        } catch (ErrnoException e) {
            throw new FileSystemException(hostFile.toString(), null, "final commit failed: " + e.getMessage());
        } finally {
            store.close();
            if (record != null) record.close();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return encfs.readOnly();
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(getPath("/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        StringBuilder b = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) b.append('/').append(m);
        }
        return new VolPath(this, b.toString());
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("expected syntax:pattern");
        String syntax = syntaxAndPattern.substring(0, colon), pattern = syntaxAndPattern.substring(colon + 1);
        Pattern re = switch (syntax) {
            case "regex" -> Pattern.compile(pattern);
            case "glob" -> Pattern.compile(glob(pattern));
            default -> throw new UnsupportedOperationException(syntax);
        };
        return path -> re.matcher(path.toString()).matches();
    }

    private static String glob(String g) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
                b.append(".*");
                i++;
            } else if (c == '*') {
                b.append("[^/]*");
            } else if (c == '?') {
                b.append("[^/]");
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("a volume has no users");
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on a volume");
    }

    @Override
    public String toString() {
        return ArcaVolProvider.SCHEME + ":" + hostFile;
    }
}
