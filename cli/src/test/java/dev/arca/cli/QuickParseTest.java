package dev.arca.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** QuickParse must read exactly what picocli reads, or step aside. */
class QuickParseTest {

    static List<List<String>> accepted() {
        return List.of(
                List.of("run", "a.wasm"),
                List.of("run", "a.wasm", "x", "--dir", "/etc::/", "-h", "--"),
                List.of("run", "--dir", "/tmp::/", "--dir=/var::/v", "--ro-dir", "/r::/r", "a.wasm", "1"),
                List.of("run", "--env", "A=1", "--env=B", "--manifest", "m.json", "a.wasm"),
                List.of("run", "--no-cache", "--interpret", "--cache-dir", "/c", "a.wasm"),
                List.of("run", "--memory-impl", "BYTE_BUFFER", "a.wasm"),
                List.of("run", "--log-format", "json", "--key-file=k", "--sealed-key", "a.wasm"),
                List.of("run", "--volume", "v::/v", "--commit", "fsync", "--image=i::/i", "--union", "i+v::/u", "a.wasm"),
                List.of("run", "--key-broker", "h:1", "--key-broker-policy", "p.json", "--listen", "80", "--connect=h:2", "a.wasm"),
                List.of("run", "--engine", "chicory", "--cluster", "h:3", "--replicate", "--cluster-name", "c",
                        "--cluster-policy", "cp.json", "a.wasm", "--engine", "x"),
                List.of("run", "--node", "/n", "a.wasm"));
    }

    static List<List<String>> declined() {
        return List.of(
                List.of("run"),
                List.of("run", "--help"),
                List.of("run", "-h", "a.wasm"),
                List.of("run", "--bogus", "a.wasm"),
                List.of("run", "--dir"),
                List.of("run", "--no-cache=true", "a.wasm"),
                List.of("run", "--memory-impl", "FAST", "a.wasm"),
                List.of("run", "--log-format", "xml", "a.wasm"),
                List.of("run", "--replicate=yes", "a.wasm"),
                List.of("run", "--key-file", "bad\0path", "a.wasm"),
                List.of("run", "--", "a.wasm"),
                List.of("run", "--dir", "--env", "a.wasm"),
                List.of("run", "--env", "-x", "a.wasm"),
                List.of("--version"),
                List.of("syscalls"));
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void readsWhatPicocliReads(List<String> args) {
        RunCommand quick = new RunCommand();
        assertTrue(QuickParse.parse(args.toArray(String[]::new), quick), "QuickParse declined " + args);
        CommandLine cli = new CommandLine(new Main());
        cli.setStopAtPositional(true);
        CommandLine.ParseResult r = cli.parseArgs(args.toArray(String[]::new));
        RunCommand pico = (RunCommand) r.subcommand().commandSpec().userObject();
        assertEquals(pico.dirs, quick.dirs);
        assertEquals(pico.roDirs, quick.roDirs);
        assertEquals(pico.envs, quick.envs);
        assertEquals(pico.manifestFile, quick.manifestFile);
        assertEquals(pico.cacheDir, quick.cacheDir);
        assertEquals(pico.noCache, quick.noCache);
        assertEquals(pico.interpret, quick.interpret);
        assertEquals(pico.memoryKind, quick.memoryKind);
        assertEquals(pico.logFormat, quick.logFormat);
        assertEquals(pico.keyFile, quick.keyFile);
        assertEquals(pico.sealedKey, quick.sealedKey);
        assertEquals(pico.program, quick.program);
        assertEquals(pico.args, quick.args);
        assertEquals(pico.volumeSpecs, quick.volumeSpecs);
        assertEquals(pico.commit, quick.commit);
        assertEquals(pico.imageSpecs, quick.imageSpecs);
        assertEquals(pico.unionSpecs, quick.unionSpecs);
        assertEquals(pico.keyBroker, quick.keyBroker);
        assertEquals(pico.keyBrokerPolicy, quick.keyBrokerPolicy);
        assertEquals(pico.listens, quick.listens);
        assertEquals(pico.connects, quick.connects);
        assertEquals(pico.engineName, quick.engineName);
        assertEquals(pico.cluster, quick.cluster);
        assertEquals(pico.replicate, quick.replicate);
        assertEquals(pico.clusterName, quick.clusterName);
        assertEquals(pico.clusterPolicy, quick.clusterPolicy);
        assertEquals(pico.node, quick.node);
    }

    /** Every option RunCommand declares is written out in QuickParse, a flag exactly when its field is a boolean. */
    @Test
    void knowsEveryOptionOfRun() {
        int options = 0;
        for (Field f : RunCommand.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o == null) continue;
            for (String name : o.names()) {
                options++;
                if (f.getType() == boolean.class) {
                    assertTrue(QuickParse.FLAGS.containsKey(name), name + " is a flag QuickParse does not know");
                } else {
                    assertTrue(QuickParse.VALUED.containsKey(name), name + " is an option QuickParse does not know");
                }
            }
        }
        assertEquals(options, QuickParse.FLAGS.size() + QuickParse.VALUED.size(), "QuickParse knows an option run does not have");
    }

    @ParameterizedTest
    @MethodSource("declined")
    void leavesEverythingElseToPicocli(List<String> args) {
        assertFalse(QuickParse.parse(args.toArray(String[]::new), new RunCommand()), "QuickParse took " + args);
    }
}
