package dev.arca.cluster.linearizability;

/** A history file that cannot be read: the message is one line (line ends in it become spaces) that names the line at fault. */
public final class HistoryFormatException extends Exception {
    public HistoryFormatException(String message) {
        super(message.replace('\r', ' ').replace('\n', ' '), null, false, false);
    }
}
