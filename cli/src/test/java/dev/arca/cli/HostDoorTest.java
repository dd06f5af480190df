package dev.arca.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * design.md: "Host: the only door to the real OS". Fails when code of Arca outside {@code
 * dev.arca.host} reaches the host through one of the JDK's own doors: files ({@code Files},
 * {@code FileChannel}, {@code java.io.File*}, {@code RandomAccessFile}), sockets, processes,
 * the environment, or native calls. A new way to touch the host belongs in {@code Host}, where
 * it is listed and checked.
 */
class HostDoorTest {
    /** Owners whose every use reaches the host. */
    private static final Set<String> DOORS = Set.of(
            "java.nio.file.Files", "java.nio.channels.FileChannel", "java.nio.channels.AsynchronousFileChannel",
            "java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.FileReader",
            "java.io.FileWriter", "java.io.RandomAccessFile", "java.nio.channels.spi.SelectorProvider",
            "javax.net.ServerSocketFactory", "javax.net.ssl.SSLServerSocketFactory",
            "java.lang.ProcessBuilder", "java.lang.foreign.Linker", "java.lang.foreign.SymbolLookup");

    /**
     * Single methods that reach the host, as owner#name ("<init>": a constructor). A socket that
     * {@code Host} returned may be used; making one is the door.
     */
    private static final Set<String> METHODS = Set.of(
            "java.lang.System#getenv", "java.lang.Runtime#exec", "java.lang.System#loadLibrary",
            "java.lang.System#load", "java.nio.file.Path#toRealPath", "java.nio.file.Path#toFile",
            "java.nio.file.Path#register", "javax.net.SocketFactory#createSocket",
            "java.net.Socket#<init>", "java.net.ServerSocket#<init>", "java.net.DatagramSocket#<init>",
            "java.net.MulticastSocket#<init>", "java.nio.channels.SocketChannel#open",
            "java.nio.channels.ServerSocketChannel#open", "java.nio.channels.DatagramChannel#open",
            "java.nio.channels.AsynchronousSocketChannel#open", "java.nio.channels.AsynchronousServerSocketChannel#open",
            "java.io.PrintStream#<init>", "java.io.PrintWriter#<init>", "java.nio.channels.Selector#open",
            "java.net.InetAddress#getByName", "java.net.InetAddress#getAllByName", "java.net.InetAddress#getLocalHost");

    /** Where a door may still be used, each with its reason. */
    private static final List<String> EXEMPT = List.of(
            "dev.arca.host.", // the door itself
            // hands Apache Ratis its storage directory as a java.io.File: Ratis keeps its log, vote and
            // snapshots itself, beside Host (docs/cluster.md, "What Ratis does on its own")
            "dev.arca.cluster.Node",
            // hands Ratis a snapshot file as a java.io.File for the MD5 Ratis writes and checks itself
            "dev.arca.cluster.ClusterStateMachine"
    );

    @Test
    void nothingOutsideTheHostPackageTouchesTheHost() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.arca");
        Set<String> found = new TreeSet<>();
        for (var c : classes) {
            if (EXEMPT.stream().anyMatch(p -> c.getName().startsWith(p))) continue;
            for (JavaAccess<?> a : c.getAccessesFromSelf()) {
                String owner = a.getTargetOwner().getName();
                String name = a.getTarget().getName();
                if (DOORS.contains(owner) || METHODS.contains(owner + "#" + name)) {
                    // TLS layered over a connection the host made is not a door
                    if (owner.equals("javax.net.SocketFactory") && a.getTarget().getFullName().contains("(java.net.Socket,")) continue;
                    // nor is a PrintWriter over a Writer (a stream already open: a client's, relayed)
                    if (owner.equals("java.io.PrintWriter") && a.getTarget().getFullName().contains("(java.io.Writer,")) continue;
                    found.add(c.getName() + " uses " + owner + "#" + name + " (" + a.getSourceCodeLocation() + ")");
                }
            }
        }
        assertEquals("", String.join("\n", found), "host access outside dev.arca.host.Host");
    }
}
