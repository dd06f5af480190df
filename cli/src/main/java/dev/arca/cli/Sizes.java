package dev.arca.cli;

import java.util.Locale;

/** Parses sizes ("64MiB", "1GiB", "4096") and durations ("500ms", "10s", "2m"). */
final class Sizes {
    private Sizes() {}

    static long bytes(String what, String s) throws UserError {
        String t = s.trim();
        String num = t.replaceAll("[A-Za-z]+$", "");
        String unit = t.substring(num.length()).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            default -> throw new UserError(what + ": unknown size unit in '" + s + "' (use B, KiB, MiB or GiB)");
        };
        try {
            long v = Long.parseLong(num.trim());
            if (v < 0) throw new UserError(what + ": size must not be negative: " + s);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserError(what + ": not a size: '" + s + "'");
        }
    }

    static long millis(String what, String s) throws UserError {
        String t = s.trim();
        String num = t.replaceAll("[A-Za-z]+$", "");
        String unit = t.substring(num.length()).toLowerCase(Locale.ROOT);
        long mult = switch (unit) {
            case "ms" -> 1;
            case "", "s" -> 1000;
            case "m", "min" -> 60_000;
            default -> throw new UserError(what + ": unknown time unit in '" + s + "' (use ms, s or m)");
        };
        try {
            long v = Long.parseLong(num.trim());
            if (v < 0) throw new UserError(what + ": time must not be negative: " + s);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserError(what + ": not a duration: '" + s + "'");
        }
    }
}
