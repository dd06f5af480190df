package dev.arca;

/**
 * A manifest cannot be used: it cannot be read, is not JSON, or says something Arca refuses (an
 * unknown key, a value of the wrong type, an environment name with '=', a NUL in a string, a bad
 * size or limit). The message names the manifest and, when the fault is in its text, the line
 * and column: {@code manifest app/arca.json: env name 'A=B' contains '=' at line 3, column 12}.
 */
public final class ManifestException extends ArcaException {
    private static final long serialVersionUID = 1L;

    /** The line of the fault, or 0. */
    private final int line;
    /** The column of the fault, or 0. */
    private final int column;

    /**
     * @param message one line naming the manifest and, when known, the line and column
     * @param line the line of the fault (from 1), or 0
     * @param column the column of the fault (from 1), or 0
     */
    public ManifestException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** The line of the fault (from 1), or 0 when the fault is not in the text (an unreadable file). */
    public int line() {
        return line;
    }

    /** The column of the fault (from 1), or 0 when the fault is not in the text. */
    public int column() {
        return column;
    }
}
