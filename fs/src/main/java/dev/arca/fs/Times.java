package dev.arca.fs;

/** Special values for {@link Node#setTimes}: leave a time as it is. */
public final class Times {
    private Times() {}

    /** Leave this time unchanged. */
    public static final long OMIT = -1;
}
