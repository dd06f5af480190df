package dev.arca.host;

import dev.arca.abi.Errno;
import dev.arca.abi.ErrnoException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** {@link Host} on Linux through java.nio. */
public final class LinuxHost implements Host {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final SecureRandom random = new SecureRandom();
    private final InputStream stdin = new FileInputStream(FileDescriptor.in);
    private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    private final OutputStream stderr = new FileOutputStream(FileDescriptor.err);

    @Override
    public HostStat stat(Path path) throws ErrnoException {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,dev,ino,nlink,size,lastAccessTime,lastModifiedTime,ctime", NOFOLLOW);
            int mode = (Integer) a.get("mode");
            return new HostStat(kind(mode), (Long) a.get("dev"), (Long) a.get("ino"),
                    ((Integer) a.get("nlink")).longValue(), (Long) a.get("size"),
                    nanos((FileTime) a.get("lastAccessTime")),
                    nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime")));
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static HostStat.Kind kind(int mode) {
        return switch (mode & 0xF000) {
            case 0x8000 -> HostStat.Kind.FILE;
            case 0x4000 -> HostStat.Kind.DIRECTORY;
            case 0xA000 -> HostStat.Kind.SYMLINK;
            case 0x2000 -> HostStat.Kind.CHARACTER_DEVICE;
            case 0x6000 -> HostStat.Kind.BLOCK_DEVICE;
            case 0xC000 -> HostStat.Kind.SOCKET;
            case 0x1000 -> HostStat.Kind.FIFO;
            default -> HostStat.Kind.OTHER;
        };
    }

    @Override
    public FileChannel open(Path path, boolean read, boolean write, boolean create, boolean exclusive)
            throws ErrnoException {
        Set<OpenOption> opts = new HashSet<>();
        opts.add(LinkOption.NOFOLLOW_LINKS);
        if (read) opts.add(StandardOpenOption.READ);
        if (write) opts.add(StandardOpenOption.WRITE);
        if (exclusive) opts.add(StandardOpenOption.CREATE_NEW);
        else if (create) opts.add(StandardOpenOption.CREATE);
        try {
            return FileChannel.open(path, opts);
        } catch (IOException e) {
            throw HostErrors.map(e);
        } catch (UnsupportedOperationException e) {
            throw Errno.ENOTSUP.fail(e.getMessage());
        }
    }

    @Override
    public List<String> list(Path dir) throws ErrnoException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void createDirectory(Path path) throws ErrnoException {
        try {
            Files.createDirectory(path);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void delete(Path path) throws ErrnoException {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void rename(Path from, Path to) throws ErrnoException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void symlink(Path link, String target) throws ErrnoException {
        LibC.symlink(target, link.toString()); // the target byte for byte (java.nio would normalise it)
    }

    @Override
    public String readlink(Path path) throws ErrnoException {
        return LibC.readlink(path.toString());
    }

    @Override
    public void link(Path existing, Path link) throws ErrnoException {
        try {
            Files.createLink(link, existing);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void truncate(Path path, long size) throws ErrnoException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long current = ch.size();
            if (size < current) {
                ch.truncate(size);
            } else if (size > current) {
                ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public void setTimes(Path path, long atimeNanos, long mtimeNanos) throws ErrnoException {
        try {
            BasicFileAttributeView view = Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW);
            view.setTimes(mtimeNanos < 0 ? null : FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS),
                    atimeNanos < 0 ? null : FileTime.from(atimeNanos, TimeUnit.NANOSECONDS), null);
        } catch (IOException e) {
            throw HostErrors.map(e);
        }
    }

    @Override
    public long realtimeNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public void randomBytes(byte[] bytes) {
        random.nextBytes(bytes);
    }

    @Override
    public InputStream stdin() {
        return stdin;
    }

    @Override
    public OutputStream stdout() {
        return stdout;
    }

    @Override
    public OutputStream stderr() {
        return stderr;
    }

    @Override
    public boolean isTerminal(int stdStream) {
        if (stdStream < 0 || stdStream > 2) return false;
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + stdStream)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
