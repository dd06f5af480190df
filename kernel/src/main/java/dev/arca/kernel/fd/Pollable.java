package dev.arca.kernel.fd;

/**
 * A kernel object whose readiness poll(2) can wait for: pipes and sockets. Readiness is computed
 * from the object's state on each call ({@link #pollEvents}); {@link #watch} registers a waiter
 * to be woken on any change that may alter it.
 */
public interface Pollable {
    /** Linux's poll bits. */
    int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
            POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;

    /** The events that hold now (POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP ...), unmasked. */
    int pollEvents();

    void watch(PollWaiter w);

    void unwatch(PollWaiter w);
}
