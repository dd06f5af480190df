package dev.arca.attestation.broker;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.AttestationException.Reason;
import dev.arca.attestation.Policy;
import dev.arca.attestation.Verdict;
import dev.arca.host.Host;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A key broker: an RA-TLS server on the loopback address that releases one secret (a volume key)
 * to a client whose RA-TLS evidence meets a policy. The check is the {@link
 * dev.arca.attestation.ratls.RaTlsTrustManager} inside the server's {@link SSLContext} (client
 * authentication is required), so a refused peer never completes the handshake.
 *
 * <p>Protocol, after the handshake: the client sends the line {@value #REQUEST}; the server answers
 * {@code OK <hex of the secret>} and closes. Connections are served one at a time, each bounded
 * by a timeout and by the size of what it may send.
 */
public final class KeyBroker implements AutoCloseable {
    public static final String REQUEST = "ARCA-KEY-REQUEST 1";
    static final int MAX_LINE = 16 * 1024;
    private final ServerSocket server;
    private final SSLSocketFactory tls;
    private final byte[] secret;
    private final int timeoutMillis;
    private final Consumer<String> log;

    /**
     * @param ctx an RA-TLS context whose trust manager holds the release policy
     * @param port the port on 127.0.0.1 (0: any free port)
     */
    public KeyBroker(Host host, SSLContext ctx, int port, byte[] secret, int timeoutMillis, Consumer<String> log) throws IOException {
        this.secret = secret.clone();
        this.timeoutMillis = timeoutMillis;
        this.log = log;
        this.tls = ctx.getSocketFactory();
        this.server = host.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Serves {@code max} connections (0: until closed); returns how many got the secret. */
    public int serve(int max) {
        int released = 0;
        for (int n = 0; max == 0 || n < max; n++) {
            SSLSocket s;
            try {
                Socket plain = server.accept();
                try {
                    s = (SSLSocket) tls.createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
                } catch (IOException e) {
                    plain.close();
                    throw e;
                }
                s.setUseClientMode(false);
                s.setNeedClientAuth(true);
                s.setEnabledProtocols(new String[] {"TLSv1.3"});
            } catch (IOException e) {
                if (server.isClosed()) break;
                log.accept("accept failed: " + e.getMessage());
                continue;
            }
            if (serveOne(s)) released++;
        }
        return released;
    }

    private boolean serveOne(SSLSocket s) {
        String peer = s.getInetAddress().getHostAddress() + ":" + s.getPort();
        try (s) {
            s.setSoTimeout(timeoutMillis);
            try {
                s.startHandshake();
                // the client's certificate is checked when it arrives; reading the request waits for it
                String line = readLine(s.getInputStream(), 64);
                if (!REQUEST.equals(line)) {
                    log.accept(peer + ": bad request; nothing released");
                    return false;
                }
            } catch (SSLException e) {
                log.accept(peer + ": refused: " + rootMessage(e));
                return false;
            }
            OutputStream out = s.getOutputStream();
            out.write(("OK " + HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            log.accept(peer + ": key released");
            return true;
        } catch (SocketTimeoutException e) {
            log.accept(peer + ": timed out; nothing released");
        } catch (IOException e) {
            log.accept(peer + ": " + e.getMessage() + "; nothing released");
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        String m = e.getMessage();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null) m = c.getMessage();
        }
        return m;
    }

    /** One line of at most {@code max} bytes, without its newline; null at end of stream. */
    static String readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
            if (b.size() >= max) throw new IOException("line longer than " + max + " bytes");
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Asks the broker at 127.0.0.1:{@code port} for the secret, presenting this instance's RA-TLS
     * certificate (in {@code ctx}, whose trust manager checks the broker in turn).
     */
    public static byte[] fetch(Host hostDoor, SSLContext ctx, InetAddress host, int port, int timeoutMillis) throws AttestationException {
        if (!host.isLoopbackAddress()) {
            throw new AttestationException(Reason.POLICY_VIOLATION, "key broker: only a broker on the loopback address is supported");
        }
        try (SSLSocket s = tlsOver(hostDoor.connect(new InetSocketAddress(host, port), timeoutMillis), ctx, host, port)) {
            s.setSoTimeout(timeoutMillis);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            try {
                s.startHandshake();
            } catch (java.net.SocketException e) {
                // TLS 1.3: the broker checks this instance's certificate after sending its own; when
                // it refuses and closes before this side has written its last flight, this side
                // meets a broken pipe or a reset, not the alert (this side's own refusal of the
                // broker is an SSLException)
                throw new AttestationException(Reason.POLICY_VIOLATION, "the key broker refused this instance: it closed the connection during the TLS handshake ("
                        + rootMessage(e) + "; the broker's log says why)");
            } catch (SSLException e) {
                String m = rootMessage(e);
                if (m != null && m.contains("Received fatal alert")) { // the broker's alert: its refusal
                    throw new AttestationException(Reason.POLICY_VIOLATION, "the key broker refused this instance: " + m + " (the broker's log says why)");
                }
                throw new AttestationException(Reason.POLICY_VIOLATION, "the TLS handshake with the key broker failed: " + m);
            }
            String line;
            try {
                OutputStream out = s.getOutputStream();
                out.write((REQUEST + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                line = readLine(s.getInputStream(), MAX_LINE);
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                // the broker checks our certificate after our side of the handshake: a refusal
                // arrives as an alert, or as a reset when the broker has already closed
                throw new AttestationException(Reason.POLICY_VIOLATION,
                        "the key broker refused this instance: " + rootMessage(e) + " (the broker's log says why)");
            }
            if (line == null) {
                throw new AttestationException(Reason.POLICY_VIOLATION, "the key broker closed the connection without a key");
            }
            if (!line.startsWith("OK ")) {
                throw new AttestationException(Reason.MALFORMED, "key broker: unexpected answer");
            }
            try {
                return HexFormat.of().parseHex(line.substring(3));
            } catch (IllegalArgumentException e) {
                throw new AttestationException(Reason.MALFORMED, "key broker: the key is not hex");
            }
        } catch (SocketTimeoutException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "key broker at port " + port + ": timed out");
        } catch (IOException e) {
            throw new AttestationException(Reason.PROVIDER_FAILED, "key broker at port " + port + ": " + e.getMessage());
        }
    }

    /** The client side of TLS over a connection the host made; closes the connection on failure. */
    private static SSLSocket tlsOver(Socket plain, SSLContext ctx, InetAddress host, int port) throws IOException {
        try {
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host.getHostAddress(), port, true);
            s.setUseClientMode(true);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** A log line for an accepted peer. */
    public static String describe(Verdict v) {
        return "peer attested: " + v.type().label() + " measurement " + Policy.mainMeasurement(v) + (v.insecure() ? " (sim, INSECURE)" : "");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
