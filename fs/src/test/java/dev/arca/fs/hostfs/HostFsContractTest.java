package dev.arca.fs.hostfs;

import dev.arca.fs.FileSystemContract;
import dev.arca.host.LinuxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The file-system contract over hostfs: a temporary host directory, through {@link LinuxHost}. */
class HostFsContractTest extends FileSystemContract {
    @TempDir
    Path tmp;

    @Override
    protected Fixture open() throws Exception {
        HostFs fs = new HostFs(new LinuxHost(), Files.createDirectory(tmp.resolve("root")), false);
        return new Fixture(fs, fs.root(), fs::close);
    }

    @Override
    protected Map<Deviation, String> deviations() {
        return Map.of(Deviation.PINNED_FILES_ARE_NOT_REOPENED, "a pinned file is an O_PATH descriptor, which the host reopens"
                + " only through /proc's magic links, and Host follows none");
    }
}
