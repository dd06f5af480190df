package dev.arca.cluster.linearizability;

import dev.arca.cluster.linearizability.EtcdRegisterModel.Answer;
import dev.arca.cluster.linearizability.EtcdRegisterModel.Call;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Jepsen etcd logs that Porcupine publishes (test_data/jepsen/etcd_NNN.log), lines such as
 * <pre>
 * INFO  jepsen.util - 3	:invoke	:cas	[0 4]
 * INFO  jepsen.util - 3	:fail	:cas	[0 4]
 * </pre>
 * A line's number is its time, so an operation's interval runs from its {@code :invoke} line to
 * its completion line. The completions: {@code :ok} (done, with what a read saw); {@code :fail}
 * on a cas (it found another value); {@code :fail :read :timed-out} (a read that did not happen:
 * left out); {@code :info ... :timed-out} (unknown outcome: pending, and Jepsen retires that
 * process). An operation still open at the end of the log is pending too.
 */
public final class JepsenEtcdLog {
    private static final Pattern LINE = Pattern.compile(
            "INFO\\s+jepsen\\.util\\s+-\\s+(\\d{1,9})\\s+:(invoke|ok|fail|info)\\s+:(read|write|cas)\\s+(nil|:timed-out|-?\\d{1,9}|\\[(-?\\d{1,9})\\s+(-?\\d{1,9})\\])");

    private JepsenEtcdLog() {}

    public static List<Operation<Call, Answer>> read(Reader reader) throws IOException, HistoryFormatException {
        HistoryLines lines = new HistoryLines(reader instanceof BufferedReader ? reader : new BufferedReader(reader));
        List<Operation<Call, Answer>> ops = new ArrayList<>();
        Map<Long, Open> open = new HashMap<>();
        try {
            for (String line; (line = lines.next()) != null; ) {
                long n = lines.number();
                String at = "line " + n + ": ";
                if (line.isBlank()) {
                    continue;
                }
                Matcher m = LINE.matcher(line.strip());
                if (!m.matches()) {
                    throw new HistoryFormatException(at + "not a Jepsen etcd log line (INFO jepsen.util - PROCESS :TYPE :F VALUE)");
                }
                long process = Long.parseLong(m.group(1));
                String type = m.group(2), f = m.group(3), value = m.group(4);
                if (type.equals("invoke")) {
                    if (open.containsKey(process)) {
                        throw new HistoryFormatException(at + "process " + process + " invokes while its call of line " + open.get(process).line + " is open");
                    }
                    Call call = switch (f) {
                        case "read" -> {
                            expect(value.equals("nil"), at, "a read is invoked with nil");
                            yield new EtcdRegisterModel.Read();
                        }
                        case "write" -> new EtcdRegisterModel.Write(number(value, at));
                        default -> {
                            expect(m.group(5) != null, at, "a cas is invoked with [EXPECT NEW]");
                            yield new EtcdRegisterModel.Cas(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
                        }
                    };
                    open.put(process, new Open(n, call, f, value));
                    continue;
                }
                Open o = open.remove(process);
                if (o == null) {
                    throw new HistoryFormatException(at + "process " + process + " completes a call it never invoked");
                }
                if (!o.f.equals(f)) {
                    throw new HistoryFormatException(at + "process " + process + " invoked :" + o.f + " (line " + o.line + ") but completes :" + f);
                }
                if (value.equals(":timed-out")) {
                    if (type.equals("info")) {
                        ops.add(Operation.pending(o.line, process, o.call, o.line));
                    } else {
                        expect(type.equals("fail") && f.equals("read"), at, "only :info, or :fail on a read, times out");
                    }
                    continue;
                }
                expect(!type.equals("info"), at, ":info is only for :timed-out");
                Answer answer = switch (o.call) {
                    case EtcdRegisterModel.Read r -> {
                        expect(type.equals("ok"), at, "a read completes with :ok, or :fail :timed-out");
                        yield new EtcdRegisterModel.ReadValue(value.equals("nil") ? OptionalInt.empty() : OptionalInt.of(number(value, at)));
                    }
                    case EtcdRegisterModel.Write w -> {
                        expect(type.equals("ok") && value.equals(o.value), at, "a write completes with :ok and the value it wrote");
                        yield new EtcdRegisterModel.Written();
                    }
                    case EtcdRegisterModel.Cas c -> {
                        expect(value.equals(o.value), at, "a cas completes with the values it was invoked with");
                        yield new EtcdRegisterModel.CasOutcome(type.equals("ok"));
                    }
                };
                ops.add(Operation.completed(o.line, process, o.call, answer, o.line, n));
            }
        } catch (MalformedInputException e) {
            throw new HistoryFormatException("line " + lines.number() + ": not UTF-8 text");
        }
        open.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.comparingLong(Open::line)))
                .forEach(e -> ops.add(Operation.pending(e.getValue().line, e.getKey(), e.getValue().call, e.getValue().line)));
        return ops;
    }

    private static int number(String value, String at) throws HistoryFormatException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new HistoryFormatException(at + "expected a number, not " + value);
        }
    }

    private static void expect(boolean condition, String at, String rule) throws HistoryFormatException {
        if (!condition) {
            throw new HistoryFormatException(at + rule);
        }
    }

    private record Open(long line, Call call, String f, String value) {}
}
