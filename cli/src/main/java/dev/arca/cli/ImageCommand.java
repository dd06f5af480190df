package dev.arca.cli;

import dev.arca.abi.Errno;
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
import dev.arca.host.HostDirEntry;
import dev.arca.host.HostFd;
import dev.arca.host.HostFile;
import dev.arca.host.HostStat;
import dev.arca.host.OpenMode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
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
                throw new UserError(path + ": " + (e.errno() == Errno.ENOENT ? "no such file in the image" : Volumes.message(e)));
            }
        }
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Pack SRC_DIR into IMAGE (replaced if it exists); prints its root hash (sha256:...). Times are set to 0 so equal trees give equal hashes.")
    static final class Build implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SRC_DIR") Path src;
        @Parameters(index = "1", paramLabel = "IMAGE") Path image;
        @Option(names = "--quiet", description = "No progress on stderr.") boolean quiet;

        private final Host host = Cli.HOST;
        private long total, done, lastShown = -1;

        @Override
        public Integer call() throws UserError {
            HostFd srcFd;
            try {
                srcFd = host.openDirectory(src);
            } catch (ErrnoException e) {
                throw new UserError(src + ": not a directory");
            }
            Path target = image.toAbsolutePath();
            if (target.getParent() == null || target.getFileName() == null) throw new UserError(image + ": not a file name");
            String name = target.getFileName().toString();
            String tmp = name + ".building";
            byte[] root;
            try (srcFd; HostFd outDir = host.openDirectory(target.getParent())) {
                total = sizeOf(srcFd, "");
                try {
                    host.removeFile(outDir, tmp);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOENT) throw e;
                }
                try (HostBlockStore store = HostBlockStore.open(host, target.getParent().resolve(tmp), true, true)) {
                    EncFs fs = EncFs.create(store, null, host::randomBytes,
                            EncFs.Options.defaults(() -> 0L).withFreshness(Freshness.inMemory()).withCommitEagerly(false)
                                    .withSecurityLog(line -> Console.say(dev.arca.Diagnostic.Kind.SECURITY, line)));
                    copyDir(srcFd, "", fs.root());
                    fs.commit();
                    root = fs.rootHash();
                    fs.close();
                }
                host.rename(outDir, tmp, outDir, name);
            } catch (ErrnoException e) {
                throw new UserError("image " + image + ": " + Volumes.message(e));
            }
            if (!quiet && lastShown >= 0) progressLine("\n");
            System.out.println("sha256:" + HexFormat.of().formatHex(root));
            return 0;
        }

        /** Bytes in the regular files of the tree (for progress). */
        private long sizeOf(HostFd base, String dir) throws ErrnoException {
            long sum = 0;
            for (HostDirEntry e : host.list(base, dir)) {
                String rel = child(dir, e.name());
                if (e.kind() == HostStat.Kind.FILE) sum += host.stat(base, rel).size();
                else if (e.kind() == HostStat.Kind.DIRECTORY) sum += sizeOf(base, rel);
            }
            return sum;
        }

        /** Copies the tree beneath {@code base} at {@code dir}, entries in byte order of their names (equal trees, equal images). */
        private void copyDir(HostFd base, String dir, Node into) throws ErrnoException {
            List<HostDirEntry> entries = new ArrayList<>(host.list(base, dir));
            entries.sort((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8), b.name().getBytes(StandardCharsets.UTF_8)));
            for (HostDirEntry e : entries) {
                String name = e.name();
                String rel = child(dir, name);
                switch (e.kind()) {
                    case SYMLINK -> into.createSymlink(name, host.readlink(base, rel));
                    case DIRECTORY -> {
                        into.createDirectory(name);
                        copyDir(base, rel, into.lookup(name));
                    }
                    case FILE -> copyFile(base, rel, into.createFile(name, true));
                    default -> Console.warning("image: skipping " + src.resolve(rel) + " (not a file, directory or symbolic link)");
                }
            }
        }

        private void copyFile(HostFd base, String rel, Node file) throws ErrnoException {
            FileHandle h = file.open(false, true);
            try (HostFile in = host.open(base, rel, OpenMode.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                long pos = 0;
                for (int n; (n = in.read(buf.clear(), pos)) > 0; ) {
                    h.write(buf.flip(), pos);
                    pos += n;
                    progress(n);
                }
            } finally {
                h.close();
            }
        }

        private void progress(long n) {
            done += n;
            // a bar redrawn in place: only for people reading text, never inside JSON lines
            if (quiet || total < (16 << 20) || Console.json()) return;
            long pct = done * 100 / total;
            if (pct / 5 == lastShown / 5 && lastShown >= 0) return;
            lastShown = pct;
            int bar = (int) (pct * 30 / 100);
            progressLine("\rarca: image: [" + "#".repeat(bar) + " ".repeat(30 - bar) + "] " + pct + "% of " + (total >> 20) + " MiB");
        }

        private void progressLine(String s) {
            try {
                host.stderr().write(s.getBytes(StandardCharsets.UTF_8));
                host.stderr().flush();
            } catch (IOException e) {
                quiet = true; // stderr is gone: no more progress
            }
        }
    }

    private static String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory of an image (default: all of it).")
    static final class Ls extends Source implements Callable<Integer> {
        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH") String path = "/";
        @Option(names = "-l", description = "Long listing: type, size, links.") boolean longFormat;

        @Override
        public Integer call() throws UserError {
            try (Volumes v = new Volumes(Cli.HOST)) {
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
            try (Volumes v = new Volumes(Cli.HOST)) {
                Node n = resolve(v.image(image, keyFile, root), path);
                copyOut(n, Cli.HOST.stdout());
                Cli.HOST.stdout().flush();
            } catch (ErrnoException e) {
                throw new UserError(path + ": " + (e.errno() == Errno.ENOENT ? "no such file in the image" : Volumes.message(e)));
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

        private final Host host = Cli.HOST;

        @Override
        public Integer call() throws UserError {
            try (Volumes v = new Volumes(host)) {
                EncFs fs = v.image(image, keyFile, root);
                HostFd out;
                try {
                    out = host.openOrCreateDirectory(dir);
                } catch (ErrnoException e) {
                    throw new UserError(dir + ": " + dev.arca.host.HostErrors.describe(e));
                }
                try (out) {
                    if (!host.list(out, "").isEmpty()) throw new UserError(dir + ": not empty");
                    extract(fs.root(), out, "");
                }
            } catch (ErrnoException e) {
                throw new UserError(image + ": " + Volumes.message(e));
            }
            return 0;
        }

        /**
         * Writes the image's tree beneath {@code out}: every name is created beneath that
         * descriptor and no link is followed, so an image's symbolic links (or a hostile name)
         * cannot make the extraction write outside DIR.
         */
        private void extract(Node from, HostFd out, String dir) throws ErrnoException, UserError {
            for (DirEntry e : from.list()) {
                String name = e.name();
                if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
                    throw new UserError(image + ": entry name '" + name + "' is not a file name");
                }
                Node c = from.lookup(name);
                String rel = child(dir, name);
                switch (c.filetype()) {
                    case Wasi.FILETYPE_DIRECTORY -> {
                        host.createDirectory(out, rel);
                        extract(c, out, rel);
                    }
                    case Wasi.FILETYPE_SYMBOLIC_LINK -> host.symlink(c.readlink(), out, rel);
                    default -> {
                        try (HostFile f = host.open(out, rel, OpenMode.createNew(0644))) {
                            copyOut(c, f);
                        }
                    }
                }
            }
        }
    }

    static void copyOut(Node n, HostFile out) throws ErrnoException {
        FileHandle h = n.open(true, false);
        try {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            for (int r; (r = h.read(buf.clear(), pos)) > 0; pos += r) out.write(buf.flip(), pos);
        } finally {
            h.close();
        }
    }
}
