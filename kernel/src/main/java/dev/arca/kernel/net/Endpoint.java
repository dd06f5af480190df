package dev.arca.kernel.net;

import dev.arca.abi.ErrnoException;
import java.nio.ByteBuffer;

/**
 * One side of a connected byte stream: the buffer this side reads ({@link #in}) and the one it
 * writes ({@link #out}). Between two sockets of the instance the two sides share their buffers
 * crosswise ({@link LocalEndpoint}); for a host connection the network pump fills {@code in} from
 * the host and drains {@code out} to it ({@link HostStream}).
 */
abstract class Endpoint {
    final StreamBuffer in;
    final StreamBuffer out;

    Endpoint(StreamBuffer in, StreamBuffer out) {
        this.in = in;
        this.out = out;
    }

    /**
     * The guest's send: into {@link #out}, waiting for room as {@link StreamBuffer#write} does
     * ({@code deadline}: System.nanoTime() after which a wait is EAGAIN, or 0). A host connection
     * may hand the bytes to the host itself ({@link HostStream#send}).
     */
    int send(ByteBuffer src, boolean nonBlocking, long deadline) throws ErrnoException {
        return out.write(src, nonBlocking, 0, deadline);
    }

    /** No more data from this side: the peer reads end of stream once it has the rest. */
    void shutdownOutput() {
        out.closeWriting();
    }

    /**
     * The socket is closed. Gracefully (what was written is still delivered, then end of stream)
     * or, with {@code reset} (SO_LINGER 0), abortively: the peer sees ECONNRESET.
     */
    abstract void close(boolean reset);
}
