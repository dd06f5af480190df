package dev.arca;

import java.util.Locale;

/** Parses sizes ("64MiB", "1GiB", "4096") and durations ("500ms", "10s", "2m") as manifests write them. */
final class Sizes {
    private Sizes() {}

    /** Bytes. Errors: IllegalArgumentException saying what is wrong with {@code s}. */
    static long bytes(String s) {
        String t = s.trim();
        String num = t.replaceAll("[A-Za-z]+$", "");
        String unit = t.substring(num.length()).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException("unknown size unit in '" + s + "' (use B, KiB, MiB or GiB)");
        };
        long v = number(num, s, "a size");
        try {
            return Math.multiplyExact(v, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + s + "'");
        }
    }

    /** Milliseconds. Errors: IllegalArgumentException saying what is wrong with {@code s}. */
    static long millis(String s) {
        String t = s.trim();
        String num = t.replaceAll("[A-Za-z]+$", "");
        String unit = t.substring(num.length()).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "ms" -> 1;
            case "", "s" -> 1000;
            case "m", "min" -> 60_000;
            default -> throw new IllegalArgumentException("unknown time unit in '" + s + "' (use ms, s or m)");
        };
        long v = number(num, s, "a duration");
        try {
            return Math.multiplyExact(v, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a duration: '" + s + "'");
        }
    }

    private static long number(String num, String s, String what) {
        long v;
        try {
            v = Long.parseLong(num.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not " + what + ": '" + s + "'");
        }
        if (v < 0) throw new IllegalArgumentException(what.substring(2) + " must not be negative: '" + s + "'");
        return v;
    }
}
