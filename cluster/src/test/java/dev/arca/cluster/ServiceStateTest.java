package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services in the state machine, applied directly: modules arrive in order and are kept only when
 * they hash to their name; placements compare and set; reports of an old generation change nothing;
 * a service's volume opens only for the generation placed now and its writes are fenced once it is
 * placed again. Hostile commands first.
 */
class ServiceStateTest {
    private static final byte[] TOKEN = new byte[32];
    @TempDir
    Path dir;
    private ClusterStateMachine sm;

    @BeforeEach
    void stateMachine() {
        sm = new ClusterStateMachine(new LinuxHost(), dir, ClusterStateMachine.MAX_VOLUME_BLOCKS, ClusterStateMachine.MAX_TOTAL_BLOCKS); // the blocks in dir/blocks
    }
    private long index;

    private JsonNode apply(Command c) {
        return sm.apply(c.bytes(), ++index);
    }

    private static String hash(byte[] m) {
        return HexFormat.of().formatHex(ClusterStateMachine.sha256(m));
    }

    private static ServiceSpec spec(String module, int port) {
        return new ServiceSpec("{\"entry\":\"x.wasm\"}", module, List.of(port), "127.0.0.1:9", null, null);
    }

    private String sendModule(byte[] m) {
        String h = hash(m);
        for (int off = 0; off < m.length; off += Command.MODULE_PART) {
            byte[] part = Arrays.copyOfRange(m, off, Math.min(m.length, off + Command.MODULE_PART));
            JsonNode r = apply(Command.modulePart(h, off, m.length, part));
            assertFalse(r.has("error"), r.toString());
        }
        return h;
    }

    @Test
    void aModuleIsKeptOnlyWhenItsBytesHashToItsName() {
        byte[] m = new byte[Command.MODULE_PART * 2 + 100];
        Arrays.fill(m, (byte) 7);
        String h = hash(m);
        // a part out of order, and a module whose bytes are not what its name says
        assertTrue(apply(Command.modulePart(h, Command.MODULE_PART, m.length, new byte[10])).path("error").asText().contains("send from 0"));
        String wrong = hash(new byte[] {1});
        apply(Command.modulePart(wrong, 0, 3, new byte[] {1, 2, 3}));
        assertNull(sm.moduleBytes(wrong));
        assertTrue(apply(Command.deploy("svc", spec(wrong, 80))).path("error").asText().contains("no module"));
        // too large for a service module: refused before anything is held
        assertTrue(apply(Command.modulePart(h, 0, ClusterStateMachine.MAX_MODULE + 1, new byte[10])).path("error").asText().contains("MiB"));
        assertEquals(h, sendModule(m));
        assertTrue(Arrays.equals(m, sm.moduleBytes(h)));
        assertEquals(m.length, apply(Command.modulePart(h, 0, m.length, new byte[1])).path("have").asLong()); // already there
    }

    @Test
    void placementsCompareAndSetAndOldReportsChangeNothing() {
        String h = sendModule(new byte[] {0, 'a', 's', 'm'});
        long g1 = apply(Command.deploy("svc", spec(h, 80))).path("generation").asLong();
        assertEquals("placing", sm.services().get(0).state());
        long g2 = apply(Command.place("svc", "n1", g1)).path("generation").asLong();
        // the leader's failover decided on g1, but an operator's move came first: refused
        assertTrue(apply(Command.place("svc", "n2", g1)).path("error").asText().contains("changed meanwhile"));
        assertEquals("n1", sm.services().get(0).node());
        assertTrue(apply(Command.report("svc", "n1", g2, "running", 0, null)).path("current").asBoolean());
        assertEquals("running", sm.services().get(0).state());
        long g3 = apply(Command.place("svc", "n2", 0)).path("generation").asLong();
        // n1 learns late that its copy ended: about g2, so nothing changes
        assertFalse(apply(Command.report("svc", "n1", g2, "exited", 1, "fenced")).path("current").asBoolean());
        assertEquals("starting", sm.services().get(0).state());
        // a report naming the right generation but another node: ignored too
        assertFalse(apply(Command.report("svc", "n3", g3, "running", 0, null)).path("current").asBoolean());
        // a second service cannot publish the same port
        assertTrue(apply(Command.deploy("other", spec(h, 80))).path("error").asText().contains("published by service svc"));
        apply(Command.stop("svc"));
        assertFalse(sm.services().get(0).active());
        assertTrue(apply(Command.place("nosuch", "n1", 0)).path("error").asText().contains("no service"));
    }

    @Test
    void aServicesVolumeIsFencedByTheNextPlacement() {
        String h = sendModule(new byte[] {0, 'a', 's', 'm'});
        apply(Command.deploy("svc", spec(h, 80)));
        long g1 = apply(Command.place("svc", "n1", 0)).path("generation").asLong();
        JsonNode opened = apply(Command.open("svc.v", TOKEN, "svc", g1));
        long epoch = opened.path("epoch").asLong();
        assertTrue(epoch > 0, opened.toString());
        byte[] b = new byte[Command.BLOCK_SIZE];
        assertTrue(apply(Command.blocks("svc.v", TOKEN, epoch, List.of(new Command.Block(0, b)))).path("ok").asBoolean());
        long g2 = apply(Command.place("svc", "n2", 0)).path("generation").asLong();
        // the old generation's writes are refused from the placement on, before the new one opens
        assertTrue(apply(Command.blocks("svc.v", TOKEN, epoch, List.of(new Command.Block(1, b)))).path("error").asText().contains("placed again"));
        // and the old generation cannot open (and so fence) the volume any more
        assertTrue(apply(Command.open("svc.v", TOKEN, "svc", g1)).path("error").asText().contains("no longer placed"));
        long e2 = apply(Command.open("svc.v", TOKEN, "svc", g2)).path("epoch").asLong();
        assertTrue(apply(Command.blocks("svc.v", TOKEN, e2, List.of(new Command.Block(1, b)))).path("ok").asBoolean());
        apply(Command.stop("svc"));
        assertTrue(apply(Command.open("svc.v", TOKEN, "svc", g2)).path("error").asText().contains("no longer placed"));
    }

    @Test
    void malformedServiceCommandsNeverReachTheLog() throws Exception {
        String[] bad = {
            "{\"op\":\"deploy\",\"name\":\"s\"}",
            "{\"op\":\"deploy\",\"name\":\"s\",\"spec\":{\"manifest\":\"{}\",\"module\":\"zz\"}}",
            "{\"op\":\"deploy\",\"name\":\"s\",\"spec\":{\"manifest\":\"{}\",\"module\":\"" + "a".repeat(64) + "\",\"ports\":[0]}}",
            "{\"op\":\"deploy\",\"name\":\"s\",\"spec\":{\"manifest\":\"{}\",\"module\":\"" + "a".repeat(64) + "\",\"ports\":[80,80]}}",
            "{\"op\":\"deploy\",\"name\":\"s\",\"spec\":{\"manifest\":\"{}\",\"module\":\"" + "a".repeat(64) + "\",\"node\":\"a b\"}}",
            "{\"op\":\"place\",\"name\":\"s\"}",
            "{\"op\":\"place\",\"name\":\"../s\",\"node\":\"n1\"}",
            "{\"op\":\"report\",\"name\":\"s\",\"node\":\"n1\",\"generation\":3,\"state\":\"dancing\"}",
            "{\"op\":\"report\",\"name\":\"s\",\"node\":\"n1\",\"state\":\"running\"}",
            "{\"op\":\"module\",\"hash\":\"" + "a".repeat(64) + "\",\"offset\":5,\"total\":5,\"data\":\"AA==\"}",
            "{\"op\":\"module\",\"hash\":\"" + "a".repeat(64) + "\",\"offset\":0,\"total\":5,\"data\":\"\"}",
            "{\"op\":\"module\",\"hash\":\"A\",\"offset\":0,\"total\":5,\"data\":\"AA==\"}",
        };
        for (String json : bad) {
            org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                    () -> Command.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).checkWrite(), json);
        }
    }
}
