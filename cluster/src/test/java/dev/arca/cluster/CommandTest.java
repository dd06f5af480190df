package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What reaches the replicated log, and the names and addresses operators give. Hostile first. */
class CommandTest {
    private static Command parse(String json) throws ClusterException {
        return Command.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeRefused(String json, String why) {
        ClusterException e = assertThrows(ClusterException.class, () -> parse(json).checkWrite());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void malformedCommandsNeverReachTheLog() {
        writeRefused("not json", "not JSON");
        writeRefused("[1,2]", "no \"op\"");
        writeRefused("{\"op\": 7}", "no \"op\"");
        writeRefused("{\"op\":\"version\",\"volume\":\"ab\"}", "not a write");
        writeRefused("{\"op\":\"advance\",\"version\":3}", "no volume");
        writeRefused("{\"op\":\"advance\",\"volume\":\"ab\",\"version\":-1}", "0 or more");
        writeRefused("{\"op\":\"advance\",\"volume\":\"ab\"}", "0 or more");
        writeRefused("{\"op\":\"advance\",\"volume\":\"AB\",\"version\":1}", "hex");
        writeRefused("{\"op\":\"advance\",\"volume\":\"../x\",\"version\":1}", "hex");
        writeRefused("{\"op\":\"advance\",\"volume\":\"" + "a".repeat(130) + "\",\"version\":1}", "hex");
        writeRefused("{\"op\":\"advance\",\"volume\":\"ab\",\"version\":1,\"pad\":\"" + "x".repeat(5000) + "\"}", "too large");
    }

    @Test
    void aWriteRoundTrips() throws ClusterException {
        Command c = Command.parse(Command.advance("00ff", 42).bytes());
        c.checkWrite();
        assertEquals(new Command("advance", "00ff", 42, null), c);
        assertEquals("version", Command.parse(Command.read("00ff").bytes()).op());
    }

    @Test
    void idsAndAddresses() throws ClusterException {
        assertEquals("n1", NodeId.check("n1"));
        for (String bad : new String[] {"", "-x", "a/b", "a b", "x".repeat(65), "é"}) {
            assertThrows(ClusterException.class, () -> NodeId.check(bad), bad);
        }
        assertEquals(new Endpoint("127.0.0.11", 7001), Endpoint.parse("127.0.0.11:7001", "--node"));
        assertEquals(new Endpoint("127.0.0.1", 7001), Endpoint.parse("127.000.0.01:7001", "--node"));
        for (String bad : new String[] {"localhost:7001", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "256.0.0.1:80", ":80", "127.0.0.1:x", "[::1]:80"}) {
            assertThrows(ClusterException.class, () -> Endpoint.parse(bad, "--node"), bad);
        }
        assertEquals(2, Node.parsePeers("a=127.0.0.1:1,b=127.0.0.2:2").size());
        assertThrows(ClusterException.class, () -> Node.parsePeers("a=127.0.0.1:1,b=127.0.0.1:1"));
        assertThrows(ClusterException.class, () -> Node.parsePeers("a=127.0.0.1:1,a=127.0.0.2:1"));
    }
}
