package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The key-value history file: what it accepts, and a one-line error naming the line for what it does not. */
class KvHistoryTest {

    private static List<Operation<KvOperation, KvResult>> read(String text) throws Exception {
        return KvHistory.read(new StringReader(text));
    }

    @Test
    void readsEveryKindOfOperation() throws Exception {
        List<Operation<KvOperation, KvResult>> ops = read("""
                {"client":1,"op":"put","key":"a","value":"1","call":100,"return":180,"result":"ok"}

                {"client":2,"op":"get","key":"a","call":120,"return":200,"result":"1"}\r
                {"client":2,"op":"get","key":"b","call":220,"return":230,"result":null}
                {"client":3,"op":"cas","key":"a","expect":"1","value":"2","call":150,"return":null}
                {"client":4,"op":"cas","key":"b","expect":null,"value":"x","call":150,"return":160,"result":"mismatch"}
                {"client":5,"op":"append","key":"a","value":"+","call":300}
                """);
        assertEquals(List.of(
                Operation.completed(1, 1, new KvOperation.Put("a", "1"), KvResult.OK, 100, 180),
                Operation.completed(3, 2, new KvOperation.Get("a"), new KvResult.Read("1"), 120, 200),
                Operation.completed(4, 2, new KvOperation.Get("b"), new KvResult.Read(null), 220, 230),
                Operation.pending(5, 3, new KvOperation.Cas("a", "1", "2"), 150),
                Operation.completed(6, 4, new KvOperation.Cas("b", null, "x"), KvResult.MISMATCH, 150, 160),
                Operation.pending(7, 5, new KvOperation.Append("a", "+"), 300)), ops);
        assertEquals(List.of(), read(""));
    }

    @Test
    void writesWhatItReads() throws Exception {
        List<Operation<KvOperation, KvResult>> history =
                SimulatedKvWorkload.generate(new SimulatedKvWorkload.Shape(3_000, 8, 4, 0.05, true), 7);
        assertTrue(history.stream().anyMatch(Operation::pending));
        StringWriter out = new StringWriter();
        KvHistory.write(out, history);
        assertEquals(history, read(out.toString())); // ids are line numbers, as the generator numbers them
        assertEquals("{\"client\":1,\"op\":\"cas\",\"key\":\"k\\\"\\n\",\"expect\":null,\"value\":\"\\u0000\",\"call\":-5,\"return\":null}",
                KvHistory.line(Operation.pending(9, 1, new KvOperation.Cas("k\"\n", null, "\0"), -5)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            nonsense                                                                      | line 1: not a JSON object:
            [1, 2]                                                                        | line 1: not a JSON object
            {}                                                                            | line 1: missing "client"
            {"client":1,"op":"get","key":"a","call":1,"return":2,"result":"x","when":3}   | line 1: unknown field "when"
            {"client":1,"client":2,"op":"get","key":"a","call":1,"return":2,"result":"x"} | line 1: not a JSON object: Duplicate field 'client'
            {"client":1,"op":"get","key":"a","call":1,"return":2,"result":"x"} {}         | line 1: not a JSON object: Trailing token
            {"client":"1","op":"get","key":"a","call":1,"return":2,"result":"x"}          | line 1: "client" must be an integer (64-bit), not "1"
            {"client":-1,"op":"get","key":"a","call":1,"return":2,"result":"x"}           | line 1: "client" must be >= 0
            {"client":1,"op":"get","key":"a","call":1.5,"return":2,"result":"x"}          | line 1: "call" must be an integer (64-bit), not 1.5
            {"client":1,"op":"get","key":"a","call":99999999999999999999,"return":2}      | line 1: "call" must be an integer (64-bit), not 99999999999999999999
            {"client":1,"op":"get","key":"a","call":1,"return":9223372036854775807}       | line 1: "return" must be below 9223372036854775807
            {"client":1,"op":"get","key":"a","call":5,"return":4,"result":"x"}            | line 1: "return" (4) is before "call" (5)
            {"client":1,"op":"get","key":7,"call":1,"return":2,"result":"x"}              | line 1: "key" must be a string, not number
            {"client":1,"op":"delete","key":"a","call":1,"return":2,"result":"ok"}        | line 1: "op" must be get, put, append or cas, not "delete"
            {"client":1,"op":"get","key":"a","value":"v","call":1,"return":2,"result":"x"} | line 1: a get has no "value"
            {"client":1,"op":"put","key":"a","call":1,"return":2,"result":"ok"}           | line 1: missing "value"
            {"client":1,"op":"put","key":"a","value":null,"call":1,"return":2,"result":"ok"} | line 1: missing "value"
            {"client":1,"op":"put","key":"a","value":"v","expect":"w","call":1,"return":2,"result":"ok"} | line 1: "expect" is for cas only
            {"client":1,"op":"cas","key":"a","value":"v","call":1,"return":2,"result":"ok"} | line 1: a cas needs "expect"
            {"client":1,"op":"put","key":"a","value":"v","call":1,"return":2,"result":"fail"} | line 1: the "result" of a put must be "ok"
            {"client":1,"op":"cas","key":"a","expect":"v","value":"w","call":1,"return":2,"result":"yes"} | line 1: the "result" of a cas must be "ok" or "mismatch"
            {"client":1,"op":"put","key":"a","value":"v","call":1,"result":"ok"}          | line 1: a pending operation (no "return") has no "result"
            {"client":1,"op":"get","key":"a","call":1,"return":2}                         | line 1: missing "result"
            {"client":1,"op":"put","key":"a","value":"v","call":1,"return":2,"result":7}  | line 1: "result" must be a string, not number
            """)
    void refusesBadLinesWithOneLineNamingIt(String line, String message) {
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(line));
        assertTrue(e.getMessage().startsWith(message.strip()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "a user's error carries no stack trace");
    }

    @Test
    void namesTheLineAtFault() {
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read("""
                {"client":1,"op":"put","key":"a","value":"1","call":100,"return":180,"result":"ok"}

                {"client":1,"op":"put","key":"a","value":"1","call":100,"return":180,"result":"maybe"}
                """));
        assertEquals("line 3: the \"result\" of a put must be \"ok\" (leave out a call that had no effect)", e.getMessage());
    }

    @Test
    void refusesHugeLinesAndBytesThatAreNotUtf8() {
        String huge = "{\"client\":1,\"op\":\"put\",\"key\":\"a\",\"value\":\"" + "x".repeat(HistoryLines.MAX_LINE) + "\"}";
        HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read("\n" + huge));
        assertEquals("line 2: longer than 1048576 characters", e.getMessage());
        byte[] latin1 = "{\"client\":1,\"op\":\"put\",\"key\":\"\u00e9\",\"value\":\"1\",\"call\":1,\"return\":2,\"result\":\"ok\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(HistoryFormatException.class, () -> KvHistory.read(new InputStreamReader(new ByteArrayInputStream(latin1),
                StandardCharsets.UTF_8.newDecoder())));
        assertEquals("line 1: not UTF-8 text", e.getMessage());
    }
}
