import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's own peer for bench/network.sh: the protocol of bench/src/netperf.c (an echo server that
 * is a sink for a connection beginning with "BULK"; echo and bulk clients) over plain sockets or,
 * with {@code --tls KEYSTORE}, over the JDK's TLS 1.3 with mutual authentication (the keystore's
 * key and certificate on both sides, trusted by both), i.e. what Arca's transparent RA-TLS does
 * minus the evidence. Same output lines as netperf.c.
 *
 * <pre>
 * java JdkNetPerf.java [--tls KEYSTORE.p12] serve PORT | echo HOST PORT N SIZE | bulk HOST PORT MIB
 * </pre>
 */
public final class JdkNetPerf {
    static SSLContext tls;

    public static void main(String[] args) throws Exception {
        int i = 0;
        if (args.length > 1 && args[0].equals("--tls")) {
            tls = context(args[1]);
            i = 2;
        }
        String[] a = Arrays.copyOfRange(args, i, args.length);
        switch (a[0]) {
            case "serve" -> serve(Integer.parseInt(a[1]));
            case "echo" -> echo(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "bulk" -> bulk(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    static SSLContext context(String keystore) throws Exception {
        char[] pw = "netperf".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore)) {
            ks.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return c;
    }

    static void serve(int port) throws IOException {
        ServerSocket s;
        if (tls != null) {
            SSLServerSocket ss = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, 16, InetAddress.getLoopbackAddress());
            ss.setNeedClientAuth(true);
            ss.setEnabledProtocols(new String[] {"TLSv1.3"});
            s = ss;
        } else {
            s = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
        }
        byte[] buf = new byte[1 << 16];
        while (true) {
            try (Socket c = s.accept()) {
                c.setTcpNoDelay(true);
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                int n = in.read(buf);
                if (n >= 4 && buf[0] == 'B' && buf[1] == 'U' && buf[2] == 'L' && buf[3] == 'K') {
                    long total = n - 4;
                    while ((n = in.read(buf)) > 0) total += n;
                    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(total).array());
                    out.flush();
                    continue;
                }
                while (n > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    n = in.read(buf);
                }
            } catch (IOException e) {
                System.err.println("JdkNetPerf: " + e);
            }
        }
    }

    static Socket dial(String host, int port) throws IOException {
        Socket s;
        if (tls != null) {
            SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
            t.setEnabledProtocols(new String[] {"TLSv1.3"});
            t.startHandshake();
            s = t;
        } else {
            s = new Socket(host, port);
        }
        s.setTcpNoDelay(true);
        return s;
    }

    static void echo(String host, int port, int n, int size) throws IOException {
        try (Socket s = dial(host, port)) {
            byte[] b = new byte[size];
            Arrays.fill(b, (byte) 'e');
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            double[] rtt = new double[n];
            for (int i = -n / 4; i < n; i++) {
                long t0 = System.nanoTime();
                out.write(b);
                out.flush();
                in.readFully(b);
                if (i >= 0) rtt[i] = (System.nanoTime() - t0) / 1e3;
            }
            double sum = 0;
            for (double r : rtt) sum += r;
            Arrays.sort(rtt);
            System.out.printf("echo %d B: p50 %.1f us, p99 %.1f us, mean %.1f us%n", size, rtt[n / 2], rtt[(int) (n * 0.99)], sum / n);
        }
    }

    static void bulk(String host, int port, int mib) throws IOException {
        try (Socket s = dial(host, port)) {
            byte[] b = new byte[1 << 16];
            Arrays.fill(b, (byte) 'b');
            OutputStream out = s.getOutputStream();
            out.write("BULK".getBytes());
            int warm = Math.max(1, mib / 4);
            for (long i = 0; i < (long) warm * 16; i++) out.write(b);
            long t0 = System.nanoTime();
            for (long i = 0; i < (long) mib * 16; i++) out.write(b);
            out.flush();
            s.shutdownOutput();
            byte[] count = new DataInputStream(s.getInputStream()).readNBytes(8);
            double us = (System.nanoTime() - t0) / 1e3;
            long total = ByteBuffer.wrap(count).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (total != ((long) mib + warm) << 20) throw new IOException("the sink counted " + total + " bytes");
            System.out.printf("bulk: %.0f MB/s%n", ((long) mib << 20) / us);
        }
    }
}
