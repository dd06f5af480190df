package dev.arca.cli;

/**
 * The workload for the JDK AOT cache (sdk/aot-train.sh): runs a program through the CLI with a
 * cold compiled-module cache, then again with it warm, so both start-up paths are recorded.
 */
final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            Main.execute(new String[] {"run", "--cache-dir", args[1], "--dir", System.getProperty("java.io.tmpdir") + "::/tmp", args[0]});
        }
        Main.execute(new String[] {"--version"});
    }
}
