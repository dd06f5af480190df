package dev.arca.cluster.linearizability;

import java.io.IOException;
import java.io.Reader;

/** Reads a history file line by line, refusing lines so long that they cannot be a history's. */
final class HistoryLines {
    static final int MAX_LINE = 1 << 20;

    private final Reader in;
    private final StringBuilder line = new StringBuilder();
    private long number;
    private boolean ended;

    HistoryLines(Reader in) {
        this.in = in;
    }

    /** The next line without its end (\n or \r\n), or null at the end of the file. */
    String next() throws IOException, HistoryFormatException {
        if (ended) {
            return null;
        }
        line.setLength(0);
        number++;
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() == MAX_LINE) {
                throw new HistoryFormatException("line " + number + ": longer than " + MAX_LINE + " characters");
            }
            line.append((char) c);
        }
        if (c == -1) {
            ended = true;
            if (line.isEmpty()) {
                return null;
            }
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    /** The number of the line {@link #next} returned last, from 1. */
    long number() {
        return number;
    }
}
