package dev.arca.fs.encfs;

import dev.arca.fs.FileSystemContract;

/** The file-system contract over an encrypted volume in memory. */
class EncFsContractTest extends FileSystemContract {
    @Override
    protected Fixture open() throws Exception {
        EncFs fs = EncFs.create(new MemStore(), Vol.KEY, Vol::random, EncFs.Options.defaults(FileSystemContract::now)
                .withSecurityLog(line -> { throw new AssertionError("security line: " + line); }));
        return new Fixture(fs, fs.root(), fs::close);
    }
}
