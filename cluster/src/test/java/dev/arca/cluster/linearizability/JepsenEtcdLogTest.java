package dev.arca.cluster.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arca.cluster.linearizability.EtcdRegisterModel.Answer;
import dev.arca.cluster.linearizability.EtcdRegisterModel.Call;
import java.io.StringReader;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The reader of Porcupine's Jepsen etcd logs: each kind of line, and the lines it refuses. */
class JepsenEtcdLogTest {

    private static List<Operation<Call, Answer>> read(String log) throws Exception {
        return JepsenEtcdLog.read(new StringReader(log));
    }

    @Test
    void readsEachKindOfLine() throws Exception {
        List<Operation<Call, Answer>> ops = read("""
                INFO  jepsen.util - 0	:invoke	:read	nil
                INFO  jepsen.util - 1	:invoke	:write	4
                INFO  jepsen.util - 2   :invoke :cas    [4 0]
                INFO  jepsen.util - 0	:ok	:read	nil
                INFO  jepsen.util - 1	:info	:write	:timed-out
                INFO  jepsen.util - 2	:fail	:cas	[4 0]
                INFO  jepsen.util - 0	:invoke	:read	nil
                INFO  jepsen.util - 0	:fail	:read	:timed-out
                INFO  jepsen.util - 0	:invoke	:read	nil
                INFO  jepsen.util - 0	:ok	:read	3
                INFO  jepsen.util - 6	:invoke	:cas	[1 2]
                """);
        assertEquals(List.of(
                Operation.completed(1, 0, new EtcdRegisterModel.Read(), new EtcdRegisterModel.ReadValue(OptionalInt.empty()), 1, 4),
                Operation.pending(2, 1, new EtcdRegisterModel.Write(4), 2),
                Operation.completed(3, 2, new EtcdRegisterModel.Cas(4, 0), new EtcdRegisterModel.CasOutcome(false), 3, 6),
                Operation.completed(9, 0, new EtcdRegisterModel.Read(), new EtcdRegisterModel.ReadValue(OptionalInt.of(3)), 9, 10),
                Operation.pending(11, 6, new EtcdRegisterModel.Cas(1, 2), 11)), ops);
    }

    @Test
    void refusesWhatIsNotSuchALog() {
        String[][] cases = {
                {"{\"client\":1}", "line 1: not a Jepsen etcd log line (INFO jepsen.util - PROCESS :TYPE :F VALUE)"},
                {"INFO  jepsen.util - 0\t:ok\t:read\t1", "line 1: process 0 completes a call it never invoked"},
                {"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:invoke\t:read\tnil", "line 2: process 0 invokes while its call of line 1 is open"},
                {"INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:read\t1", "line 2: process 0 invoked :write (line 1) but completes :read"},
                {"INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t2", "line 2: a write completes with :ok and the value it wrote"},
                {"INFO  jepsen.util - 0\t:invoke\t:cas\t1", "line 1: a cas is invoked with [EXPECT NEW]"},
                {"INFO  jepsen.util - 0\t:invoke\t:write\t99999999999", "line 1: not a Jepsen etcd log line (INFO jepsen.util - PROCESS :TYPE :F VALUE)"},
                {"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:info\t:read\t3", "line 2: :info is only for :timed-out"},
        };
        for (String[] c : cases) {
            HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(c[0]), c[0]);
            assertEquals(c[1], e.getMessage());
        }
    }
}
