package dev.arca.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.arca.host.LinuxHost;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated volumes in the state machine, applied directly: epochs fence earlier writers,
 * writes are all or nothing, bounds hold, reads and hashes give back what was written. Hostile
 * commands first.
 */
class ReplicaStateTest {
    private static final byte[] TOKEN = new byte[32];
    /** This test's bound for one volume (4 MiB), and twice that for all. */
    private static final long VOLUME_BLOCKS = 1024;
    private static final String TOK = "\"token\":\"" + Base64.getEncoder().encodeToString(TOKEN) + "\",";
    @TempDir
    Path dir;
    private ClusterStateMachine sm;

    @BeforeEach
    void stateMachine() {
        sm = new ClusterStateMachine(new LinuxHost(), dir, VOLUME_BLOCKS, 2 * VOLUME_BLOCKS); // the blocks in dir/blocks
    }
    private long index;

    private JsonNode apply(Command c) {
        return sm.apply(c.bytes(), ++index);
    }

    private static Command.Block block(long i, int fill) {
        byte[] b = new byte[Command.BLOCK_SIZE];
        Arrays.fill(b, (byte) fill);
        return new Command.Block(i, b);
    }

    private static void refused(String json, String why) {
        ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                () -> Command.parse(json.getBytes(StandardCharsets.UTF_8)).checkWrite());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void malformedVolumeCommandsNeverReachTheLog() {
        String b64 = Base64.getEncoder().encodeToString(new byte[Command.BLOCK_SIZE]);
        refused("{\"op\":\"open\"}", "name");
        refused("{\"op\":\"open\",\"name\":\"../etc\"}", "name");
        refused("{\"op\":\"open\",\"name\":\"a b\"}", "name");
        refused("{\"op\":\"open\",\"name\":\"" + "x".repeat(65) + "\"}", "name");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"blocks\":[[0,\"" + b64 + "\"]]}", "epoch");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":0,\"blocks\":[[0,\"" + b64 + "\"]]}", "epoch");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[]}", "1 to");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[[0,\"AAAA\"]]}", "bytes");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[[0,\"!!\"]]}", "base64");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[[-1,\"" + b64 + "\"]]}", "negative");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[[3,\"" + b64 + "\"],[3,\"" + b64 + "\"]]}", "repeated");
        refused("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[{\"i\":0}]}", "[index, base64]");
        List<Command.Block> many = new ArrayList<>();
        for (int i = 0; i <= Command.MAX_BLOCKS; i++) many.add(block(i, 1));
        ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class,
                () -> Command.parse(Command.blocks("v", TOKEN, 1, many).bytes()).checkWrite());
        assertTrue(e.getMessage().contains("too large") || e.getMessage().contains("1 to"), e.getMessage());
        refused("{\"op\":\"open\",\"name\":\"v\"}", "token");
        refused("{\"op\":\"open\",\"name\":\"v\",\"token\":\"AAAA\"}", "token");
        refused("{\"op\":\"blocks\",\"name\":\"v\",\"epoch\":1,\"blocks\":[[0,\"" + b64 + "\"]]}", "token");
        refused("{\"op\":\"hashes\",\"name\":\"v\",\"from\":0,\"count\":1}", "not a write");
    }

    /** A framed command by hand: FRAME, the header's length (or {@code claimed}), the header, {@code data} bytes of blocks. */
    private static byte[] frame(String header, int claimed, int data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(5 + h.length + data).put(Command.FRAME).putInt(claimed).put(h).array();
    }

    private static byte[] frame(String header, int data) {
        return frame(header, header.getBytes(StandardCharsets.UTF_8).length, data);
    }

    private static void refused(byte[] command, String why) {
        ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class, () -> Command.parse(command).checkWrite());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void framedBlocksAreCheckedAsJsonOnesWere() throws ClusterException {
        String head = "{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"indexes\":";
        int b = Command.BLOCK_SIZE;
        refused(new byte[] {Command.FRAME}, "header length");
        refused(new byte[] {Command.FRAME, 0, 0, 0}, "header length");
        refused(frame(head + "[0]}", 0, b), "header length");
        refused(frame(head + "[0]}", -1, b), "header length");
        refused(frame(head + "[0]}", 1 << 20, b), "header length");
        refused(frame(head + "[0]}", Integer.MAX_VALUE, b), "header length");
        refused(frame("{\"op\":\"blocks\"," + "\"pad\":\"" + "x".repeat(5000) + "\"}", b), "header length");
        refused(frame("not json at all", b), "not JSON");
        refused(frame("{\"op\":\"advance\",\"volume\":\"ab\",\"version\":3}", 0), "only \"blocks\"");
        refused(frame("{\"op\":\"deploy\",\"name\":\"x\"}", b), "only \"blocks\"");
        refused(frame(head + "[0]}", b + 1), "whole blocks");
        refused(frame(head + "[0]}", b - 1), "whole blocks");
        refused(frame(head + "[0]}", 0), "1 indexes for 0 blocks");
        refused(frame(head + "[]}", b), "1 to");
        refused(frame(head + "[0,1]}", b), "2 indexes for 1 blocks");
        refused(frame(head + "[0]}", 2 * b), "1 indexes for 2 blocks");
        refused(frame(head + "[3,3]}", 2 * b), "repeated");
        refused(frame(head + "[-1]}", b), "0 or more");
        refused(frame(head + "[1.5]}", b), "0 or more");
        refused(frame(head + "[\"2\"]}", b), "0 or more");
        refused(frame(head + "{\"0\":1}}", b), "1 to");
        refused(frame("{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"indexes\":[0]}", b), "epoch");
        refused(frame("{\"op\":\"blocks\",\"name\":\"v\",\"epoch\":1,\"indexes\":[0]}", b), "token");
        refused(frame(head + "[0],\"volume\":\"ab\"}", b), "both or neither");
        // a whole frame at the bound parses; one block more is refused (by size or by count)
        List<Command.Block> all = new ArrayList<>();
        for (int i = 0; i < Command.MAX_BLOCKS; i++) all.add(block(i, i));
        Command c = Command.parse(Command.blocks("v", TOKEN, 1, all, "ab", 7).bytes());
        c.checkWrite();
        assertEquals(Command.MAX_BLOCKS, c.blocks().size());
        assertEquals(7, c.version());
        assertEquals("ab", c.committedVolume());
        for (int i = 0; i < Command.MAX_BLOCKS; i++) {
            assertEquals(i, c.blocks().get(i).index());
            assertTrue(Arrays.equals(all.get(i).data(), c.blocks().get(i).data()));
        }
        refused(frame(head + "[0]}", (Command.MAX_BLOCKS + 100) * b), "too large");
    }

    @Test
    void theJsonFormAnEarlierBuildWroteStillApplies() {
        long first = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        byte[] data = block(0, 9).data();
        String json = "{\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":" + first + ",\"volume\":\"ab\",\"version\":4,\"blocks\":[[3,\""
                + Base64.getEncoder().encodeToString(data) + "\"]]}";
        JsonNode r = sm.apply(json.getBytes(StandardCharsets.UTF_8), ++index);
        assertTrue(r.path("ok").asBoolean(), r.toString());
        assertEquals(4, r.path("version").asLong());
        JsonNode read = sm.query(Command.readBlocks("v", 3, 1).bytes());
        assertTrue(Arrays.equals(data, Base64.getDecoder().decode(read.path("blocks").get(0).asText())), read.toString());
    }

    @Test
    void aCommitsEntryAdvancesItsVolumesVersionOnlyWithItsBlocks() {
        String b64 = Base64.getEncoder().encodeToString(new byte[Command.BLOCK_SIZE]);
        String blocks = "\"op\":\"blocks\",\"name\":\"v\"," + TOK + "\"epoch\":1,\"blocks\":[[0,\"" + b64 + "\"]]";
        refused("{" + blocks + ",\"volume\":\"ab\"}", "both or neither");
        refused("{" + blocks + ",\"version\":3}", "both or neither");
        refused("{" + blocks + ",\"volume\":\"ab\",\"version\":-2}", "both or neither");
        refused("{" + blocks + ",\"volume\":\"../x\",\"version\":3}", "hex");
        long first = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        JsonNode r = apply(Command.blocks("v", TOKEN, first, List.of(block(2, 1), block(0, 1)), "ab", 5));
        assertTrue(r.path("ok").asBoolean(), r.toString());
        assertEquals(5, r.path("version").asLong());
        assertEquals(5, sm.query(Command.read("ab").bytes()).path("version").asLong());
        // a version is never lowered, and an entry of a fenced writer advances nothing
        assertEquals(5, apply(Command.blocks("v", TOKEN, first, List.of(block(0, 2)), "ab", 4)).path("version").asLong());
        long second = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        r = apply(Command.blocks("v", TOKEN, first, List.of(block(0, 3)), "ab", 9));
        assertTrue(r.path("error").asText().startsWith("fenced"), r.toString());
        assertEquals(5, sm.query(Command.read("ab").bytes()).path("version").asLong());
        assertEquals(6, apply(Command.blocks("v", TOKEN, second, List.of(block(0, 4)), "ab", 6)).path("version").asLong());
        // and one of another key's token neither
        r = apply(Command.blocks("v", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32},
                second, List.of(block(0, 5)), "ab", 10));
        assertFalse(r.path("ok").asBoolean(), r.toString());
        assertEquals(6, sm.query(Command.read("ab").bytes()).path("version").asLong());
    }

    @Test
    void theNewestOpenFencesEveryEarlierWriter() {
        long first = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        assertTrue(apply(Command.blocks("v", TOKEN, first, List.of(block(0, 1)))).path("ok").asBoolean());
        long second = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        assertTrue(second > first);
        JsonNode r = apply(Command.blocks("v", TOKEN, first, List.of(block(0, 9), block(1, 9))));
        assertTrue(r.path("error").asText().startsWith("fenced"), r.toString());
        // nothing of the fenced write landed
        JsonNode read = sm.query(Command.readBlocks("v", 0, 2).bytes());
        assertEquals(1, read.path("size").asLong());
        assertEquals(1, Base64.getDecoder().decode(read.path("blocks").get(0).asText())[0]);
        assertTrue(apply(Command.blocks("v", TOKEN, second, List.of(block(1, 2)))).path("ok").asBoolean());
        assertTrue(apply(Command.blocks("w", TOKEN, second, List.of(block(0, 2)))).path("error").asText().startsWith("fenced"), "a volume never opened");
    }

    @Test
    void aWriterWithAnotherKeysTokenCanNeitherFenceNorWrite() {
        byte[] other = new byte[32];
        other[0] = 1;
        long e = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        assertTrue(apply(Command.open("v", other)).path("error").asText().contains("another key"));
        // the refused open did not fence the writer, and blocks with the other token are refused even at its epoch
        assertTrue(apply(Command.blocks("v", TOKEN, e, List.of(block(0, 1)))).path("ok").asBoolean());
        assertTrue(apply(Command.blocks("v", other, e, List.of(block(0, 9)))).path("error").asText().contains("another key"));
        assertEquals(1, Base64.getDecoder().decode(sm.query(Command.readBlocks("v", 0, 1).bytes()).path("blocks").get(0).asText())[0]);
    }

    @Test
    void hashesAndReadsGiveBackWhatWasWrittenWithHoles() {
        long e = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        apply(Command.blocks("v", TOKEN, e, List.of(block(0, 1), block(2, 3))));
        JsonNode h = sm.query(Command.hashes("v", 0, 10).bytes());
        assertEquals(3, h.path("size").asLong());
        assertEquals(3, h.path("hashes").size());
        assertTrue(h.path("hashes").get(1).isNull());
        assertEquals(Base64.getEncoder().encodeToString(ClusterStateMachine.sha256(block(2, 3).data())), h.path("hashes").get(2).asText());
        assertEquals(0, sm.query(Command.hashes("nobody", 0, 10).bytes()).path("size").asLong());
        assertTrue(sm.query(Command.hashes("v", 0, Command.MAX_HASHES + 1).bytes()).has("error"));
        assertTrue(sm.query(Command.readBlocks("v", -1, 1).bytes()).has("error"));
        assertTrue(sm.query(Command.readBlocks("v", 0, Command.MAX_BLOCKS + 1).bytes()).has("error"));
        assertEquals(0, sm.query(Command.readBlocks("v", 1L << 40, 1).bytes()).path("blocks").size());
    }

    @Test
    void hashesSinceAnIndexLeaveOutOnlyTheBlocksNoLaterEntryWrote() {
        long e = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        JsonNode first = apply(Command.blocks("v", TOKEN, e, List.of(block(0, 1), block(1, 1), block(2, 1), block(4, 1))));
        long at = first.path("index").asLong();
        assertEquals(index, at, "a blocks entry replies with its log index");
        apply(Command.blocks("v", TOKEN, e, List.of(block(1, 2), block(6, 2))));
        JsonNode h = sm.query(Command.hashes("v", 0, 10, at).bytes()).path("hashes");
        assertEquals(7, h.size());
        for (int i : new int[] {0, 2, 4}) assertTrue(h.get(i).isBoolean() && !h.get(i).asBoolean(), "block " + i + " unchanged since " + at + ": " + h);
        for (int i : new int[] {3, 5}) assertTrue(h.get(i).isNull(), "a hole stays a hole: " + h);
        assertEquals(Base64.getEncoder().encodeToString(ClusterStateMachine.sha256(block(1, 2).data())), h.get(1).asText());
        assertEquals(Base64.getEncoder().encodeToString(ClusterStateMachine.sha256(block(6, 2).data())), h.get(6).asText());
        // since the newest entry: nothing to compare; since before the first write: every hash, as without "since"
        JsonNode none = sm.query(Command.hashes("v", 0, 10, index).bytes()).path("hashes");
        for (JsonNode x : none) assertTrue(x.isNull() || x.isBoolean(), none.toString());
        assertEquals(sm.query(Command.hashes("v", 0, 10).bytes()).path("hashes"), sm.query(Command.hashes("v", 0, 10, e).bytes()).path("hashes"));
        // hostile: "since" that is no log index is refused, not read as "every block unchanged"
        for (String bad : new String[] {"-1", "-5", "\"3\"", "1.5", "true", "null", "{}"}) {
            JsonNode r = sm.query(("{\"op\":\"hashes\",\"name\":\"v\",\"from\":0,\"count\":4,\"since\":" + bad + "}").getBytes(StandardCharsets.UTF_8));
            assertTrue(r.has("error") && r.get("error").asText().contains("since"), bad + ": " + r);
        }
    }

    @Test
    void aFramedReadGivesTheSameBlocksAsTheJsonOne() throws ClusterException {
        long e = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        apply(Command.blocks("v", TOKEN, e, List.of(block(0, 1), block(2, 3), block(3, 4))));
        for (long from = 0; from < 6; from++) {
            for (int count : new int[] {1, 2, 4, Command.MAX_BLOCKS}) {
                byte[] framed = sm.answer(Command.readFramed("v", from, count).bytes());
                assertEquals(Command.FRAME, framed[0], "framed");
                byte[] json = sm.answer(Command.readBlocks("v", from, count).bytes());
                assertEquals('{', json[0], "an unframed read (a client of an earlier build) still gets JSON");
                Command.ReadReply a = Command.readReply(framed, from, count), b = Command.readReply(json, from, count);
                assertEquals(4, a.size());
                assertEquals(4, b.size());
                for (int i = 0; i < count; i++) {
                    long at = from + i;
                    byte[] want = at == 0 || at == 2 || at == 3 ? block(at, at == 0 ? 1 : (int) at + 1).data() : null;
                    assertTrue(Arrays.equals(want, a.blocks()[i]), "framed block " + at);
                    assertTrue(Arrays.equals(want, b.blocks()[i]), "JSON block " + at);
                }
            }
        }
        // a hole's bytes are not sent: 3 blocks' bytes for a read of 0..3
        byte[] framed = sm.answer(Command.readFramed("v", 0, 4).bytes());
        assertTrue(framed.length < 3 * Command.BLOCK_SIZE + 200, framed.length + " bytes");
        assertEquals(0, Command.readReply(sm.answer(Command.readFramed("nobody", 0, 8).bytes()), 0, 8).size());
        // refusals come back as the reader's error, in JSON
        for (Command bad : List.of(Command.readFramed("v", -1, 1), Command.readFramed("v", 0, Command.MAX_BLOCKS + 1), Command.readFramed("../x", 0, 1))) {
            byte[] r = sm.answer(bad.bytes());
            assertEquals('{', r[0]);
            ClusterException x = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class, () -> Command.readReply(r, 0, 1));
            assertTrue(x.getMessage().startsWith("read: "), x.getMessage());
        }
    }

    /** A reply framed by hand: the header's bytes, then {@code data} bytes of blocks. */
    private static byte[] reply(String header, int data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(5 + h.length + data).put(Command.FRAME).putInt(h.length).put(h).array();
    }

    private static void badReply(byte[] reply, int count, String why) {
        ClusterException e = org.junit.jupiter.api.Assertions.assertThrows(ClusterException.class, () -> Command.readReply(reply, 0, count));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aMalformedReadReplyIsRefusedNotTrusted() throws ClusterException {
        int b = Command.BLOCK_SIZE;
        byte[][] ok = Command.readReply(reply("{\"size\":9,\"present\":[1,0,1]}", 2 * b), 0, 3).blocks();
        assertTrue(ok[0] != null && ok[1] == null && ok[2] != null);
        badReply(reply("{\"size\":9,\"present\":[1,0,1]}", 2 * b), 2, "more blocks than were asked");
        badReply(reply("{\"size\":9,\"present\":[1,0,1]}", 2 * b - 1), 3, "fewer blocks than flags");
        badReply(reply("{\"size\":9,\"present\":[1,0,1]}", 2 * b + 1), 3, "more blocks than flags");
        badReply(reply("{\"size\":9,\"present\":[1,0,1]}", 3 * b), 3, "more blocks than flags");
        badReply(reply("{\"size\":9,\"present\":[2]}", b), 1, "0 or 1");
        badReply(reply("{\"size\":9,\"present\":[true]}", b), 1, "0 or 1");
        badReply(reply("{\"size\":9}", 0), 1, "more blocks than were asked");
        badReply(reply("{\"present\":[]}", 0), 1, "no size");
        badReply(reply("{\"size\":-1,\"present\":[]}", 0), 1, "no size");
        badReply(reply("[1]", 0), 1, "not a JSON object");
        badReply(reply("{\"size\":", 0), 1, "not JSON");
        badReply(new byte[] {Command.FRAME, 0, 0, 0}, 1, "header length");
        badReply(new byte[] {Command.FRAME, 0x7f, 0, 0, 0, '{', '}'}, 1, "header length");
        badReply(new byte[] {Command.FRAME, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, '{', '}'}, 1, "header length");
        badReply(new byte[0], 1, "JSON");
        // the JSON form: each block whole, in base64
        badReply("{\"size\":1,\"blocks\":[\"AAAA\"]}".getBytes(StandardCharsets.UTF_8), 1, "not 4096 bytes");
        badReply("{\"size\":1,\"blocks\":[\"!!\"]}".getBytes(StandardCharsets.UTF_8), 1, "not 4096 bytes");
        badReply("{\"size\":1,\"blocks\":[7]}".getBytes(StandardCharsets.UTF_8), 1, "not 4096 bytes");
        badReply("{\"error\":\"no such thing\"}".getBytes(StandardCharsets.UTF_8), 1, "read: no such thing");
    }

    @Test
    void boundsRefuseTheWholeWrite() {
        long e = apply(Command.open("v", TOKEN)).path("epoch").asLong();
        JsonNode r = apply(Command.blocks("v", TOKEN, e, List.of(block(5, 1), block(VOLUME_BLOCKS, 1))));
        assertTrue(r.path("error").asText().contains("MiB"), r.toString());
        assertEquals(0, sm.query(Command.hashes("v", 0, 10).bytes()).path("size").asLong(), "block 5 did not land either");
        // the cluster-wide bound: fill two volumes up to it, then one more block is refused
        long per = VOLUME_BLOCKS;
        for (String name : new String[] {"a", "b"}) {
            long ep = apply(Command.open(name, TOKEN)).path("epoch").asLong();
            for (long i = 0; i < per; i += Command.MAX_BLOCKS) {
                List<Command.Block> batch = new ArrayList<>();
                for (long j = i; j < Math.min(per, i + Command.MAX_BLOCKS); j++) batch.add(block(j, 0));
                assertFalse(apply(Command.blocks(name, TOKEN, ep, batch)).has("error"));
            }
        }
        assertTrue(apply(Command.blocks("v", TOKEN, e, List.of(block(0, 1)))).path("error").asText().contains("their bound"));
        // rewriting a block that exists adds nothing and is allowed
        long ea = apply(Command.open("a", TOKEN)).path("epoch").asLong();
        assertTrue(apply(Command.blocks("a", TOKEN, ea, List.of(block(7, 4)))).path("ok").asBoolean());
    }

    @Test
    void aSnapshotLoadKeepsOnlyTheSegmentsItNamesAndReadsTheFirstCutsInlineBlocks() throws Exception {
        // a snapshot of the first cut: the blocks inline, base64, in the JSON
        java.nio.file.Path blocks = dir.resolve("blocks");
        java.nio.file.Files.createDirectories(blocks);
        java.nio.file.Files.write(blocks.resolve("v~00000009"), new byte[] {1, 2, 3}); // an open segment of before the crash
        String b64 = Base64.getEncoder().encodeToString(block(3, 7).data());
        java.nio.file.Path snap = dir.resolve("snapshot.1_40");
        java.nio.file.Files.writeString(snap, "{\"volumes\":{\"ab\":5},\"replicas\":{\"v\":{\"epoch\":12,\"token\":\""
                + java.util.HexFormat.of().formatHex(ClusterStateMachine.sha256(TOKEN)) + "\",\"blocks\":{\"3\":\"" + b64 + "\"}}},\"services\":{}}");
        sm.load(new org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo(new org.apache.ratis.server.storage.FileInfo(snap, null), 1, 40));
        assertEquals(List.of(), List.of(blocks.toFile().list()).stream().filter(n -> n.endsWith("~00000009")).toList(), "the unnamed segment is gone");
        JsonNode read = sm.query(Command.readBlocks("v", 0, 4).bytes());
        assertEquals(4, read.path("size").asLong());
        assertTrue(read.path("blocks").get(0).isNull());
        assertEquals(7, Base64.getDecoder().decode(read.path("blocks").get(3).asText())[100]);
        assertEquals(5, sm.query(Command.read("ab").bytes()).path("version").asLong());
        // the writer of epoch 12 still writes; blocks land beside the one loaded
        assertTrue(apply(Command.blocks("v", TOKEN, 12, List.of(block(1, 2)))).path("ok").asBoolean());
        assertEquals(2, sm.query("{\"op\":\"state\"}".getBytes(StandardCharsets.UTF_8)).path("replicas").path("v").path("blocks").asLong());
        // a snapshot naming a segment that is not there: the load fails, naming the volume
        java.nio.file.Files.writeString(snap, "{\"replicas\":{\"v\":{\"epoch\":12,\"token\":\"00\",\"segments\":[[4,1]]}}}");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> sm.load(new org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo(new org.apache.ratis.server.storage.FileInfo(snap, null), 1, 41)));
        assertTrue(e.getMessage().contains("replicated volume v"), e.getMessage());
    }
}
