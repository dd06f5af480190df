package dev.arca.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arca} command. Exit codes are documented in README and in {@code --help}. */
@Command(name = "arca", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Arca: a library OS that runs wasm32-wasi programs as isolated processes.",
        subcommands = {RunCommand.class, ImageCommand.class, SyscallsCommand.class, MeasureCommand.class, AttestCommand.class, KeyBrokerCommand.class, NodeCommand.class, ClusterCommand.class, ServiceCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "From a checkout, './arca demo' builds and runs the demo.",
                "Exit codes: the guest's own code; " + Main.USAGE + " bad usage; " + Main.RUNTIME_ERROR
                        + " runtime error (missing file, malformed module, bad manifest); 134 trap; 137 killed at a limit; 128+N signal N."})
public final class Main implements Runnable {
    static final int USAGE = 2;
    static final int RUNTIME_ERROR = 125;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'arca run PROGRAM.wasm')");
    }

    /** Whether this JVM's command was a run read by {@link QuickParse} (see {@link #exit}). */
    private static boolean quickRun;

    public static void main(String[] args) {
        Timing.mark("main");
        exit(execute(args));
    }

    /**
     * Ends the JVM with {@code code}. After a run, with {@code Runtime.halt}: {@code System.exit}
     * first logs the exit through {@code System.Logger}, whose set-up looks for a logging backend
     * with a service-loader search of every jar on the class path (about 5 ms of a hello world, in
     * async-profiler's samples), and a run has no shutdown hook to run (Arca registers one only
     * for a node, which ends by a signal). The standard streams are flushed first; with Java Flight
     * Recorder on (through ARCA_JAVA_OPTS), {@code System.exit}, whose hooks write its recording.
     */
    static void exit(int code) {
        System.out.flush();
        System.err.flush();
        if (quickRun && !flightRecorder()) Runtime.getRuntime().halt(code);
        System.exit(code);
    }

    private static boolean flightRecorder() {
        try {
            return jdk.jfr.FlightRecorder.isInitialized();
        } catch (LinkageError noJfr) { // a Java runtime made without the jdk.jfr module
            return false;
        }
    }

    static int execute(String[] args) {
        RunCommand quick = new RunCommand();
        if (QuickParse.parse(args, quick)) {
            quickRun = true;
            try {
                return quick.call();
            } catch (UserError e) {
                Console.error(e.getMessage());
                return RUNTIME_ERROR;
            } catch (RuntimeException e) {
                Console.internal(e);
                return RUNTIME_ERROR;
            }
        }
        CommandLine cli = new CommandLine(new Main());
        Session session = Session.current();
        if (!session.own()) { // a resident node's client: help and usage go to its streams
            cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(session.out, java.nio.charset.StandardCharsets.UTF_8), true));
            cli.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(session.err, java.nio.charset.StandardCharsets.UTF_8), true));
        }
        cli.setStopAtPositional(true); // everything after PROGRAM belongs to the guest
        cli.getSubcommands().get("service").setStopAtPositional(false); // 'service deploy NAME --manifest F': options after the name
        cli.setExitCodeExceptionMapper(e -> RUNTIME_ERROR);
        cli.setParameterExceptionHandler((e, a) -> {
            // the whole command, e.g. 'arca service deploy --help'
            Console.say(dev.arca.Diagnostic.Kind.USAGE, firstLine(e.getMessage()) + " (try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof UserError) {
                Console.error(e.getMessage());
            } else {
                Console.internal(e);
            }
            return RUNTIME_ERROR;
        });
        return cli.execute(args);
    }

    private static String firstLine(String s) {
        if (s == null) return "bad usage";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"arca " + (v == null ? "0.1.0" : v) + " (Chicory 1.7.5, WASI preview1, Java " + Runtime.version() + ")"};
        }
    }
}
