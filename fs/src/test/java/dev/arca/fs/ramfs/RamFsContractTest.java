package dev.arca.fs.ramfs;

import dev.arca.fs.FileSystemContract;
import java.util.Map;

/** The file-system contract over ramfs. */
class RamFsContractTest extends FileSystemContract {
    @Override
    protected Fixture open() {
        RamFs fs = new RamFs(FileSystemContract::now, 64 << 20);
        return new Fixture(fs, fs.root(), null);
    }

    @Override
    protected Map<Deviation, String> deviations() {
        return Map.of(Deviation.NO_HOLES, "a file's data is one Java array: a gap is allocated and counted against the capacity");
    }
}
