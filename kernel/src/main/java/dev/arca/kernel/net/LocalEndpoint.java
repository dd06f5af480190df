package dev.arca.kernel.net;

import dev.arca.abi.Errno;

/**
 * A side of a connection between two sockets of one instance (TCP on a loopback address of the
 * instance, AF_UNIX, a socket pair): a write goes straight into the peer's buffer, and nothing
 * reaches the host.
 */
final class LocalEndpoint extends Endpoint {
    private LocalEndpoint(StreamBuffer in, StreamBuffer out) {
        super(in, out);
    }

    /** Two connected sides; buffers sized by each side's receive buffer. */
    static LocalEndpoint[] pair(int capacityA, int capacityB) {
        StreamBuffer toA = new StreamBuffer(capacityA), toB = new StreamBuffer(capacityB);
        return new LocalEndpoint[] {new LocalEndpoint(toA, toB), new LocalEndpoint(toB, toA)};
    }

    @Override
    void close(boolean reset) {
        if (reset) {
            out.fail(Errno.ECONNRESET);
            in.fail(Errno.ECONNRESET);
        }
        in.closeReading();
        out.closeWriting();
    }
}
