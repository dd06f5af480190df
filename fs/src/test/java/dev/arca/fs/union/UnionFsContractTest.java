package dev.arca.fs.union;

import dev.arca.fs.FileSystemContract;
import dev.arca.fs.FileHandle;
import dev.arca.fs.Node;
import dev.arca.fs.encfs.EncFs;
import dev.arca.fs.encfs.Freshness;
import dev.arca.fs.encfs.HostBlockStore;
import dev.arca.fs.encfs.VolumeKey;
import dev.arca.host.LinuxHost;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-system contract over a union mount as {@code arca run --union} makes it: an encrypted
 * volume over an integrity-only image, both host files. The tests work in {@code /w}, a directory
 * of the image, so every change copies it up and its listing merges both layers (the image has a
 * file beside it, {@code /elsewhere}, to show through).
 */
class UnionFsContractTest extends FileSystemContract {
    @TempDir
    Path tmp;

    @Override
    protected Fixture open() throws Exception {
        LinuxHost host = new LinuxHost();
        EncFs.Options options = EncFs.Options.defaults(FileSystemContract::now).withFreshness(Freshness.inMemory());
        HostBlockStore imageStore = HostBlockStore.open(host, tmp.resolve("app.img"), true, true);
        EncFs build = EncFs.create(imageStore, null, host::randomBytes, options.withCommitEagerly(false));
        build.root().createDirectory("w");
        FileHandle h = build.root().createFile("elsewhere", true).open(false, true);
        h.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
        h.close();
        build.commit();
        build.close();
        EncFs image = EncFs.open(HostBlockStore.open(host, tmp.resolve("app.img"), false, false), null, host::randomBytes,
                options, null);
        byte[] key = new byte[32];
        key[5] = 9;
        EncFs volume = EncFs.create(HostBlockStore.open(host, tmp.resolve("data.vol"), true, true),
                VolumeKey.fromKeyFile(key), host::randomBytes, options);
        UnionFs union = new UnionFs(volume, image);
        Node w = union.root().lookup("w");
        return new Fixture(union, w, () -> {
            volume.close();
            image.close();
        });
    }
}
