package dev.arca.host;

/**
 * How {@link Host#open} and {@link Host#openFile} open a file.
 *
 * @param permissions mode bits for a file that is created (less the host's umask)
 */
public record OpenMode(boolean read, boolean write, Creation creation, boolean truncate, int permissions) {

    /** Whether a missing file is created, and whether an existing one is an error. */
    public enum Creation { NONE, CREATE, EXCLUSIVE }

    public static final OpenMode READ = new OpenMode(true, false, Creation.NONE, false, 0);
    public static final OpenMode READ_WRITE = new OpenMode(true, true, Creation.NONE, false, 0);

    public OpenMode {
        if (!read && !write) throw new IllegalArgumentException("open for reading, writing or both");
        if (creation != Creation.NONE && !write) throw new IllegalArgumentException("creating needs writing");
    }

    /** Read and write, creating the file with {@code permissions} when missing. */
    public static OpenMode create(int permissions) {
        return new OpenMode(true, true, Creation.CREATE, false, permissions);
    }

    /** Read and write a file that must not exist yet (O_EXCL). */
    public static OpenMode createNew(int permissions) {
        return new OpenMode(true, true, Creation.EXCLUSIVE, false, permissions);
    }

    public OpenMode truncating() {
        return new OpenMode(read, write, creation, true, permissions);
    }
}
