package dev.arca.kernel.fd;

/**
 * One slot of a descriptor table: the description it refers to and the WASI rights it carries.
 *
 * @param rightsBase what this descriptor may be used for
 * @param rightsInheriting the most that descriptors opened through it (a directory) may get
 * @param preopenPath the guest path a preopened directory is announced under, else null
 * @param closeOnSpawn FD_CLOEXEC: not inherited by spawned children
 */
public record Descriptor(FileDescription file, long rightsBase, long rightsInheriting, String preopenPath, boolean closeOnSpawn) {

    public Descriptor(FileDescription file, long rightsBase, long rightsInheriting, String preopenPath) {
        this(file, rightsBase, rightsInheriting, preopenPath, false);
    }

    public boolean has(long rights) {
        return (rightsBase & rights) == rights;
    }

    public Descriptor withCloseOnSpawn(boolean on) {
        return new Descriptor(file, rightsBase, rightsInheriting, preopenPath, on);
    }
}
