package dev.arca.fs.encfs;

import dev.arca.fs.FileSystemContract;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file-system contract over an encrypted volume in a host file, through {@link LinuxHost}. */
class EncFsHostFileContractTest extends FileSystemContract {
    @TempDir
    Path tmp;

    @Override
    protected Fixture open() throws Exception {
        LinuxHost host = new LinuxHost();
        HostBlockStore store = HostBlockStore.open(host, tmp.resolve("contract.vol"), true, true);
        EncFs fs = EncFs.create(store, Vol.KEY, host::randomBytes, EncFs.Options.defaults(FileSystemContract::now)
                .withSecurityLog(line -> { throw new AssertionError("security line: " + line); }));
        return new Fixture(fs, fs.root(), fs::close);
    }
}
