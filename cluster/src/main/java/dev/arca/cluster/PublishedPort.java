package dev.arca.cluster;

import dev.arca.host.Host;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service's port published on a node that does not run it: connections to this node's address
 * and the port are forwarded, byte for byte, to the same port on the node that runs the service.
 * The forward is plain TCP: what the service speaks on the port (HTTP, or RA-TLS end to end) passes
 * through unchanged, and this node sees only what the wire carries. A connection arriving while
 * the service has no node, or whose target cannot be reached within {@link #CONNECT_MILLIS}, is
 * closed at once (the client retries, as after any failover). A target that refuses the connection
 * is reported ({@code refused}): nothing listens on the service's port there, so its node may have
 * crashed, and the leader checks at once rather than after a silence.
 */
final class PublishedPort implements Closeable {
    static final int CONNECT_MILLIS = 2_000;
    private final Host host;
    private final String service;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final java.util.function.Consumer<InetAddress> refused;
    private volatile InetSocketAddress target;

    private PublishedPort(Host host, String service, ServerSocket server, java.util.function.Consumer<InetAddress> refused) {
        this.host = host;
        this.service = service;
        this.server = server;
        this.refused = refused;
    }

    static PublishedPort open(Host host, String service, InetAddress address, int port, java.util.function.Consumer<InetAddress> refused) throws IOException {
        PublishedPort p = new PublishedPort(host, service, host.listen(new InetSocketAddress(address, port), 128), refused);
        Thread.ofPlatform().daemon().name("port " + port + " of service " + service).start(p::accept);
        return p;
    }

    String service() {
        return service;
    }

    /** Where connections go from now on (null: nowhere); connections already forwarded stay where they are. */
    void target(InetSocketAddress to) {
        target = to;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(in);
            Thread.ofVirtual().start(() -> forward(in));
        }
    }

    private void forward(Socket in) {
        InetSocketAddress to = target;
        if (to == null) {
            close(in);
            return;
        }
        Socket out;
        try {
            out = host.connect(to, CONNECT_MILLIS);
        } catch (java.net.ConnectException e) {
            refused.accept(to.getAddress());
            close(in);
            return;
        } catch (IOException e) {
            close(in);
            return;
        }
        open.add(out);
        Thread back = Thread.ofVirtual().start(() -> copy(out, in));
        copy(in, out);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(in);
        close(out);
    }

    /** Copies until end of stream, then half-closes {@code to}: each direction ends on its own, as TCP does. */
    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[16 << 10];
        try {
            InputStream i = from.getInputStream(); // not closed here: that would close the socket both ways
            OutputStream o = to.getOutputStream();
            for (int n; (n = i.read(buf)) > 0; ) o.write(buf, 0, n);
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: both are closed by the caller
            try {
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Stops listening and cuts every forwarded connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : open) close(s);
    }
}
