package dev.arca.cli;

import dev.arca.abi.ErrnoException;
import dev.arca.abi.Wasi;
import dev.arca.fs.DirEntry;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.Stat;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code arca image}: builds integrity-only images (deterministic root hash) from a host
 * directory, and lists, prints and extracts images and, with {@code --key-file}, encrypted
 * volumes. Every read is checked; a tampered image gives one line and exit code 125.
 */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Build and inspect Arca images (integrity-protected, read-only) and encrypted volumes.",
        subcommands = {ImageCommand.Build.class, ImageCommand.Ls.class, ImageCommand.Cat.class, ImageCommand.Extract.class})
final class ImageCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: build, ls, cat or extract");
    }

    /** Options shared by the commands that read an image or volume. */
    static class Source {
        @Parameters(index = "0", paramLabel = "IMAGE", description = "An image, or an encrypted volume with --key-file.")
        Path image;

        @Option(names = "--key-file", paramLabel = "FILE", description = "Key of an encrypted volume.")
        Path keyFile;

        @Option(names = "--root", paramLabel = "SHA256", description = "Refuse the image unless its root hash is this.")
        String root;

        Node resolve(EncFs fs, String path) throws UserError {
            Node n = fs.root();
            try {
                for (String c : path.split("/")) {
                    if (c.isEmpty() || c.equals(".")) continue;
                    if (c.equals("..")) throw new UserError(path + ": '..' is not supported here");
                    n = n.lookup(c);
                }
                return n;
            } catch (ErrnoException e) {
                throw new UserError(path + ": " + Volumes.message(e));
            }
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Pack SRC_DIR into IMAGE (replaced if it exists); prints its root hash (sha256:...). Times are set to 0 so equal trees give equal hashes.")
    static final class Build implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SRC_DIR") Path src;
        @Parameters(index = "1", paramLabel = "IMAGE") Path image;
        @Option(names = "--quiet", description = "No progress on stderr.") boolean quiet;

        private long total, done, lastShown = -1;

        @Override
        public Integer call() throws UserError {
            if (!Files.isDirectory(src)) throw new UserError(src + ": not a directory");
            Host host = new LinuxHost();
            try (Stream<Path> s = Files.walk(src)) {
                total = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new UserError(src + ": " + e.getMessage());
            }
            Path tmp = image.resolveSibling(image.getFileName() + ".building");
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                throw new UserError(tmp + ": " + e.getMessage());
            }
            byte[] root;
            try (HostBlockStore store = HostBlockStore.open(host, tmp.toAbsolutePath(), true, true)) {
                EncFs fs = EncFs.create(store, null, host::randomBytes,
                        EncFs.Options.defaults(() -> 0L).withFreshness(Freshness.inMemory()).withCommitEagerly(false));
                copyDir(src, fs.root());
                fs.commit();
                root = fs.rootHash();
                fs.close();
            } catch (ErrnoException e) {
                throw new UserError("image " + image + ": " + Volumes.message(e));
            }
            try {
                Files.move(tmp, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UserError(image + ": " + e.getMessage());
            }
            if (!quiet && lastShown >= 0) System.err.println();
            System.out.println("sha256:" + HexFormat.of().formatHex(root));
            return 0;
        }

        private void copyDir(Path dir, Node into) throws UserError, ErrnoException {
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir)) {
                entries = s.sorted().toList();
            } catch (IOException e) {
                throw new UserError(dir + ": " + e.getMessage());
            }
            for (Path p : entries) {
                String name = p.getFileName().toString();
                try {
                    if (Files.isSymbolicLink(p)) {
                        into.createSymlink(name, Files.readSymbolicLink(p).toString());
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        into.createDirectory(name);
                        copyDir(p, into.lookup(name));
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        copyFile(p, into.createFile(name, true));
                    } else {
                        System.err.println("arca: image: skipping " + p + " (not a file, directory or symbolic link)");
                    }
                } catch (IOException e) {
                    throw new UserError(p + ": " + e.getMessage());
                }
            }
        }

        private void copyFile(Path p, Node file) throws IOException, ErrnoException {
            FileHandle h = file.open(false, true);
            try (InputStream in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 20];
                long pos = 0;
                for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                    h.write(ByteBuffer.wrap(buf, 0, n), pos);
                    pos += n;
                    progress(n);
                }
            } finally {
                h.close();
            }
        }

        private void progress(long n) {
            done += n;
            if (quiet || total < (16 << 20)) return;
            long pct = done * 100 / total;
            if (pct / 5 == lastShown / 5 && lastShown >= 0) return;
            lastShown = pct;
            int bar = (int) (pct * 30 / 100);
            System.err.print("\rarca: image: [" + "#".repeat(bar) + " ".repeat(30 - bar) + "] " + pct + "% of " + (total >> 20) + " MiB");
            System.err.flush();
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory of an image (default: all of it).")
    static final class Ls extends Source implements Callable<Integer> {
        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH") String path = "/";
        @Option(names = "-l", description = "Long listing: type, size, links.") boolean longFormat;

        @Override
        public Integer call() throws UserError {
            try (Volumes v = new Volumes(new LinuxHost())) {
                EncFs fs = v.image(image, keyFile, root);
                Node n = resolve(fs, path);
                String base = path.equals("/") ? "" : (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
                list(n, base, base.isEmpty() ? "" : base);
            } catch (ErrnoException e) {
                throw new UserError(image + ": " + Volumes.message(e));
            }
            return 0;
        }

        private void list(Node dir, String base, String shown) throws ErrnoException {
            if (dir.filetype() != Wasi.FILETYPE_DIRECTORY) {
                print(dir, base.isEmpty() ? "/" : base);
                return;
            }
            for (DirEntry e : dir.list()) {
                Node c = dir.lookup(e.name());
                String p = base + "/" + e.name();
                print(c, p);
                if (c.filetype() == Wasi.FILETYPE_DIRECTORY) list(c, p, p);
            }
        }

        private void print(Node n, String p) throws ErrnoException {
            String suffix = n.filetype() == Wasi.FILETYPE_DIRECTORY ? "/" : n.filetype() == Wasi.FILETYPE_SYMBOLIC_LINK ? " -> " + n.readlink() : "";
            if (longFormat) {
                Stat s = n.stat();
                char t = n.filetype() == Wasi.FILETYPE_DIRECTORY ? 'd' : n.filetype() == Wasi.FILETYPE_SYMBOLIC_LINK ? 'l' : '-';
                System.out.printf("%c %12d %3d %s%s%n", t, s.size(), s.links(), p, suffix);
            } else {
                System.out.println(p + suffix);
            }
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true, description = "Write a file of an image to standard output.")
    static final class Cat extends Source implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "PATH") String path;

        @Override
        public Integer call() throws UserError {
            try (Volumes v = new Volumes(new LinuxHost())) {
                Node n = resolve(v.image(image, keyFile, root), path);
                copyOut(n, System.out);
                System.out.flush();
            } catch (ErrnoException e) {
                throw new UserError(path + ": " + Volumes.message(e));
            } catch (IOException e) {
                throw new UserError("write: " + e.getMessage());
            }
            return 0;
        }
    }

    static void copyOut(Node n, OutputStream out) throws ErrnoException, IOException {
        FileHandle h = n.open(true, false);
        try {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            for (int r; (r = h.read(buf.clear(), pos)) > 0; pos += r) out.write(buf.array(), 0, r);
        } finally {
            h.close();
        }
    }

    @Command(name = "extract", mixinStandardHelpOptions = true, description = "Copy everything in an image into DIR (created; must not exist or be empty).")
    static final class Extract extends Source implements Callable<Integer> {
        @Parameters(index = "1", paramLabel = "DIR") Path dir;

        @Override
        public Integer call() throws UserError {
            try (Volumes v = new Volumes(new LinuxHost())) {
                EncFs fs = v.image(image, keyFile, root);
                Files.createDirectories(dir);
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) throw new UserError(dir + ": not empty");
                }
                extract(fs.root(), dir);
            } catch (ErrnoException e) {
                throw new UserError(image + ": " + Volumes.message(e));
            } catch (IOException e) {
                throw new UserError(dir + ": " + e.getMessage());
            }
            return 0;
        }

        private void extract(Node from, Path to) throws ErrnoException, IOException {
            for (DirEntry e : from.list()) {
                Node c = from.lookup(e.name());
                Path p = to.resolve(e.name());
                switch (c.filetype()) {
                    case Wasi.FILETYPE_DIRECTORY -> {
                        Files.createDirectory(p);
                        extract(c, p);
                    }
                    case Wasi.FILETYPE_SYMBOLIC_LINK -> Files.createSymbolicLink(p, Path.of(c.readlink()));
                    default -> {
                        try (OutputStream out = Files.newOutputStream(p, java.nio.file.StandardOpenOption.CREATE_NEW)) {
                            copyOut(c, out);
                        }
                    }
                }
            }
        }
    }
}
