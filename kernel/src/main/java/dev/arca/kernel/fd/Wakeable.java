package dev.arca.kernel.fd;

/** Something to tell that an object it watches may have changed (a poll, or a set of polls). */
public interface Wakeable {
    void wake();
}
