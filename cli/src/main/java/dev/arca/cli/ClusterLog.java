package dev.arca.cli;

/**
 * Ratis logs through SLF4J (slf4j-simple here, on stderr), gRPC through java.util.logging. A node says what matters itself;
 * Ratis's own lines are warnings and errors only, unless {@code ARCA_CLUSTER_LOG} names a level
 * (info, debug).
 */
final class ClusterLog {
    private ClusterLog() {}

    static void quiet() {
        String level = Cli.HOST.environment("ARCA_CLUSTER_LOG");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level == null || level.isEmpty() ? "warn" : level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        // Arca sends only the warming stale reads (ClusterClient.warm) asynchronously; one that meets a member down or
        // just started is expected, and Ratis logs each as an ERROR with a stack trace
        if (level == null || level.isEmpty()) System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.OrderedAsync", "off");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        // gRPC logs through java.util.logging (an INFO line about epoll at start-up)
        java.util.logging.Logger.getLogger("").setLevel(level == null || level.isEmpty() ? java.util.logging.Level.WARNING : java.util.logging.Level.INFO);
    }
}
