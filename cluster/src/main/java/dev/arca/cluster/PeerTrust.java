package dev.arca.cluster;

import dev.arca.attestation.AttestationException;
import dev.arca.attestation.Verdict;
import dev.arca.attestation.ratls.RaTlsTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual RA-TLS between nodes and from clients. Every peer must present evidence that verifies,
 * binds its certificate's key and meets the cluster's policy ({@link RaTlsTrustManager#check}).
 * A node we dial must moreover be the node the address book says lives at that address: its
 * certificate names its Raft peer id ({@link NodeId}), which replaces the host name check gRPC
 * would make (an RA-TLS certificate names no host). At an address the book does not know (a node
 * being added, or a probe by {@code arca cluster status}) any attested node is accepted whose id
 * the book does not place elsewhere, so a host that redirects connections cannot pass one member
 * off as another.
 *
 * <p>Being an {@link X509ExtendedTrustManager}, it is called with the engine, and JSSE makes no
 * endpoint identification of its own around it.
 */
final class PeerTrust extends X509ExtendedTrustManager {
    private final RaTlsTrustManager attested;
    private final AddressBook book;
    private final BiConsumer<String, Verdict> onAccept; // (what, verdict)
    private final Consumer<String> onRefuse;
    private final Consumer<String> onCallee; // told the id of a node dialled and accepted, or null
    private final Map<String, Long> lastRefusal = new ConcurrentHashMap<>(); // message -> nanoTime logged

    PeerTrust(RaTlsTrustManager attested, AddressBook book, BiConsumer<String, Verdict> onAccept, Consumer<String> onRefuse) {
        this(attested, book, onAccept, onRefuse, null);
    }

    PeerTrust(RaTlsTrustManager attested, AddressBook book, BiConsumer<String, Verdict> onAccept, Consumer<String> onRefuse,
            Consumer<String> onCallee) {
        this.attested = attested;
        this.book = book;
        this.onAccept = onAccept;
        this.onRefuse = onRefuse;
        this.onCallee = onCallee;
    }

    /** Reports a refusal (each distinct one at most every 10 s: a refused peer retries many times a second) and rethrows it. */
    private CertificateException refused(CertificateException e) {
        if (onRefuse != null) {
            long now = System.nanoTime();
            Long last = lastRefusal.get(e.getMessage());
            if (last == null || now - last > 10_000_000_000L) {
                if (lastRefusal.size() > 1000) lastRefusal.clear();
                lastRefusal.put(e.getMessage(), now);
                onRefuse.accept(e.getMessage());
            }
        }
        return e;
    }

    private Verdict attested(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("RA-TLS: the peer sent no certificate");
        try {
            return attested.check(chain[0]);
        } catch (AttestationException e) {
            throw new CertificateException("RA-TLS: peer refused (" + e.reason() + "): " + e.getMessage());
        }
    }

    /** A client or node dialling us: attested, and either a node or a client. */
    private void checkCaller(X509Certificate[] chain) throws CertificateException {
        Verdict v = attested(chain);
        String id = NodeId.of(chain[0]);
        String subject = chain[0].getSubjectX500Principal().getName();
        if (id == null && !subject.equals("CN=" + NodeId.CLIENT)) {
            throw new CertificateException("RA-TLS: the peer's certificate names neither a node nor a client: " + subject);
        }
        if (onAccept != null) onAccept.accept(id == null ? "client" : "node " + id, v);
    }

    /** A node we dial at {@code host:port}: attested, and the node the address book expects there. */
    private void checkCallee(X509Certificate[] chain, String host, int port) throws CertificateException {
        Verdict v = attested(chain);
        String id = NodeId.of(chain[0]);
        if (id == null) throw new CertificateException("RA-TLS: the server at " + host + ":" + port + " is not an Arca node: " + chain[0].getSubjectX500Principal().getName());
        if (host == null) throw new CertificateException("RA-TLS: cannot bind node " + id + " to an address: the TLS engine has no peer address");
        String at = host + ":" + port;
        String expected = book.idAt(at);
        if (expected != null && !expected.equals(id)) {
            throw new CertificateException("RA-TLS: " + at + " should be node " + expected + " but its certificate names node " + id);
        }
        String elsewhere = expected == null ? book.endpointOf(id) : null;
        if (elsewhere != null) {
            throw new CertificateException("RA-TLS: " + at + " presents node " + id + ", which lives at " + elsewhere);
        }
        if (onAccept != null) onAccept.accept("node " + id, v);
    }

    private void caller(X509Certificate[] chain, String from) throws CertificateException {
        try {
            checkCaller(chain);
        } catch (CertificateException e) {
            throw refused(new CertificateException(e.getMessage() + (from == null ? "" : " (a connection from " + from + ")")));
        }
    }

    private void callee(X509Certificate[] chain, String host, int port) throws CertificateException {
        try {
            checkCallee(chain, host, port);
            if (onCallee != null) onCallee.accept(NodeId.of(chain[0]));
        } catch (CertificateException e) {
            throw refused(new CertificateException(e.getMessage() + (host == null ? "" : " (dialling " + host + ":" + port + ")")));
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        caller(chain, engine == null || engine.getPeerHost() == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        callee(chain, engine == null ? null : engine.getPeerHost(), engine == null ? -1 : engine.getPeerPort());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        caller(chain, socket == null ? null : socket.getInetAddress().getHostAddress());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        callee(chain, socket == null ? null : socket.getInetAddress().getHostAddress(), socket == null ? -1 : socket.getPort());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        caller(chain, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        callee(chain, null, -1);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
