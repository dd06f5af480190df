package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.host.Host;
import dev.arca.host.LinuxHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A published port reports a refused forward (the failover's crash hint), and only that: a target
 * that accepts, or no target at all, reports nothing; a client that hangs up at once does not
 * either. A report moves nothing by itself (the leader then probes the node's Raft port).
 */
class PublishedPortTest {
    private static final Host HOST = new LinuxHost();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aRefusedForwardIsReportedWithTheTargetsAddress() throws Exception {
        List<InetAddress> refused = new CopyOnWriteArrayList<>();
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            dead = s.getLocalPort(); // closed again: nothing listens there
        }
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            int port = free.getLocalPort();
            free.close();
            try (PublishedPort p = PublishedPort.open(HOST, "svc", LOOPBACK, port, refused::add)) {
                p.target(new InetSocketAddress(LOOPBACK, dead));
                assertEquals(-1, roundTrip(port), "the client's connection is closed");
                for (int i = 0; i < 100 && refused.isEmpty(); i++) Thread.sleep(10);
                assertEquals(List.of(LOOPBACK), refused);
            }
        }
    }

    @Test
    void aTargetThatAcceptsOrNoTargetReportsNothing() throws Exception {
        List<InetAddress> refused = new CopyOnWriteArrayList<>();
        try (ServerSocket target = new ServerSocket(0, 8, LOOPBACK); ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            int port = free.getLocalPort();
            free.close();
            Thread echo = Thread.ofVirtual().start(() -> {
                try (Socket c = target.accept()) {
                    c.getOutputStream().write(c.getInputStream().read());
                } catch (IOException e) {
                    // the test fails on its own
                }
            });
            try (PublishedPort p = PublishedPort.open(HOST, "svc", LOOPBACK, port, refused::add)) {
                p.target(new InetSocketAddress(LOOPBACK, target.getLocalPort()));
                assertEquals('x', roundTrip(port), "forwarded both ways");
                echo.join(5_000);
                p.target(null); // the service has no node: closed, not a crash
                assertEquals(-1, roundTrip(port));
                try (Socket hangUp = new Socket(LOOPBACK, port)) {
                    assertTrue(hangUp.isConnected()); // and gone at once
                }
                Thread.sleep(200);
                assertEquals(List.of(), refused);
            }
        }
    }

    /** Sends 'x' through the published port; the byte that comes back, or -1 when the connection is closed. */
    private static int roundTrip(int port) throws IOException {
        try (Socket c = new Socket(LOOPBACK, port)) {
            c.setSoTimeout(5_000);
            try {
                c.getOutputStream().write('x');
            } catch (IOException e) {
                return -1; // closed before the write
            }
            try {
                return c.getInputStream().read();
            } catch (java.net.SocketException e) {
                return -1; // reset
            }
        }
    }
}
