package dev.arca.cluster;

import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * A node's name in the cluster: its Raft peer id, and the subject of its RA-TLS certificate
 * ({@code CN=arca-node:ID}), which is how a TLS peer is bound to a Raft peer. Clients (the CLI)
 * present {@code CN=arca-client}. Letters, digits, '-', '_' and '.', at most 64.
 */
public final class NodeId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String NODE_PREFIX = "arca-node:";
    static final String CLIENT = "arca-client";

    private NodeId() {}

    public static String check(String id) throws ClusterException {
        if (id == null || !VALID.matcher(id).matches()) {
            throw new ClusterException("node id '" + id + "': use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return id;
    }

    static String subject(String id) {
        return NODE_PREFIX + id;
    }

    /** The node id a certificate names, or null for a client or anything else. */
    static String of(X509Certificate cert) {
        String name = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
        if (!name.startsWith("CN=" + NODE_PREFIX) || name.contains(",")) return null;
        String id = name.substring(3 + NODE_PREFIX.length());
        return VALID.matcher(id).matches() ? id : null;
    }
}
