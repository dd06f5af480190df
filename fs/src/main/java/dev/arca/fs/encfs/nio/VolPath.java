package dev.arca.fs.encfs.nio;

import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A path inside a volume: '/'-separated names, absolute when it starts with '/'. Purely lexical. */
final class VolPath implements Path {
    private final VolFileSystem fs;
    private final boolean absolute;
    private final String[] names;

    VolPath(VolFileSystem fs, String path) {
        this(fs, path.startsWith("/"), Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new));
    }

    private VolPath(VolFileSystem fs, boolean absolute, String[] names) {
        this.fs = fs;
        this.absolute = absolute;
        this.names = names;
    }

    String[] names() {
        return names;
    }

    static VolPath check(Path p) {
        if (p instanceof VolPath v) return v;
        throw new ProviderMismatchException(p == null ? "null" : p.getClass().getName());
    }

    @Override
    public VolFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    @Override
    public Path getRoot() {
        return absolute ? new VolPath(fs, true, new String[0]) : null;
    }

    @Override
    public Path getFileName() {
        return names.length == 0 ? null : new VolPath(fs, false, new String[] {names[names.length - 1]});
    }

    @Override
    public Path getParent() {
        if (names.length == 0 || (names.length == 1 && !absolute)) return null;
        return new VolPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
    }

    @Override
    public int getNameCount() {
        return names.length;
    }

    @Override
    public Path getName(int index) {
        if (index < 0 || index >= names.length) throw new IllegalArgumentException();
        return new VolPath(fs, false, new String[] {names[index]});
    }

    @Override
    public Path subpath(int begin, int end) {
        if (begin < 0 || end > names.length || begin >= end) throw new IllegalArgumentException();
        return new VolPath(fs, false, Arrays.copyOfRange(names, begin, end));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(other instanceof VolPath o) || o.fs != fs || o.absolute != absolute || o.names.length > names.length) return false;
        return Arrays.equals(names, 0, o.names.length, o.names, 0, o.names.length);
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(other instanceof VolPath o) || o.fs != fs || o.names.length > names.length) return false;
        if (o.absolute) return equals(o);
        return Arrays.equals(names, names.length - o.names.length, names.length, o.names, 0, o.names.length);
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals(".")) continue;
            if (n.equals("..") && !out.isEmpty() && !out.getLast().equals("..")) {
                out.removeLast();
            } else if (!(n.equals("..") && absolute)) {
                out.add(n);
            }
        }
        return new VolPath(fs, absolute, out.toArray(String[]::new));
    }

    @Override
    public Path resolve(Path other) {
        VolPath o = check(other);
        if (o.absolute) return o;
        String[] n = Arrays.copyOf(names, names.length + o.names.length);
        System.arraycopy(o.names, 0, n, names.length, o.names.length);
        return new VolPath(fs, absolute, n);
    }

    @Override
    public Path relativize(Path other) {
        VolPath o = check(other);
        if (o.absolute != absolute) throw new IllegalArgumentException("one path is absolute, the other not");
        int common = 0;
        while (common < names.length && common < o.names.length && names[common].equals(o.names[common])) common++;
        List<String> out = new ArrayList<>();
        for (int i = common; i < names.length; i++) out.add("..");
        out.addAll(Arrays.asList(o.names).subList(common, o.names.length));
        return new VolPath(fs, false, out.toArray(String[]::new));
    }

    @Override
    public URI toUri() {
        return fs.uri(((VolPath) toAbsolutePath()).toString());
    }

    @Override
    public Path toAbsolutePath() {
        return absolute ? this : new VolPath(fs, true, names);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws java.io.IOException {
        fs.provider().checkAccess(this);
        return toAbsolutePath().normalize();
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on a volume");
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(check(other).toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolPath p && p.fs == fs && p.absolute == absolute && Arrays.equals(p.names, names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names) * 31 + (absolute ? 1 : 0);
    }

    @Override
    public String toString() {
        String s = String.join("/", names);
        return absolute ? "/" + s : s;
    }
}
