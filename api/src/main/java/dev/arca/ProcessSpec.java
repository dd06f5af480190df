package dev.arca;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run as a process: a program, its arguments, its environment and its standard streams.
 * Immutable; made with {@link #builder(Program)}. A guest sees only the environment given here.
 *
 * <p>Standard streams default to none: standard input at end of file, output discarded. Give
 * Java streams, or {@link Builder#inheritStdio} for the JVM's own (a terminal is then reported as
 * one). Arca writes to a given output stream from the process's thread and flushes each write;
 * it never closes a stream it was given.
 */
public final class ProcessSpec {
    private final Program program;
    private final List<String> args;
    private final Map<String, String> env; // a null value: the host's value, looked up at start
    private final StdioSpec stdio;

    private ProcessSpec(Builder b) {
        this.program = b.program;
        this.args = List.copyOf(b.args);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.stdio = b.stdio;
    }

    /** A builder for running {@code program}, with no arguments, no environment and no streams. */
    public static Builder builder(Program program) {
        return new Builder(program);
    }

    /** The program it runs. */
    public Program program() {
        return program;
    }

    /** The arguments after {@code argv[0]} (which is the program's name). */
    public List<String> args() {
        return args;
    }

    /**
     * The environment, in order; a null value stands for the host's value of that name, looked up
     * when the process starts (and left out when the host has none).
     */
    public Map<String, String> env() {
        return env;
    }

    StdioSpec stdio() {
        return stdio;
    }

    /** Builds a {@link ProcessSpec}. Setters check their values at once (IllegalArgumentException). */
    public static final class Builder {
        private Program program;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private StdioSpec stdio = StdioSpec.NONE;

        Builder(Program program) {
            this.program = program;
        }

        Builder program(Program p) {
            this.program = Objects.requireNonNull(p, "program");
            return this;
        }

        /** Replaces the arguments. Errors: a NUL in one (the guest would see it cut short). */
        public Builder args(List<String> arguments) {
            List<String> checked = new ArrayList<>();
            for (String a : arguments) checked.add(checkString("argument", a));
            args.clear();
            args.addAll(checked);
            return this;
        }

        /** Replaces the arguments (see {@link #args(List)}). */
        public Builder args(String... arguments) {
            return args(List.of(arguments));
        }

        /**
         * Sets variable {@code name} (replacing an earlier value, keeping its place). Errors: an
         * empty name, '=' in the name, a NUL in either.
         */
        public Builder env(String name, String value) {
            env.put(checkName(name), checkString("value of " + name, value));
            return this;
        }

        /** Passes the host's value of {@code name} (looked up when the process starts; none if unset). */
        public Builder envFromHost(String name) {
            env.put(checkName(name), null);
            return this;
        }

        /** Standard input read from {@code in} (end of stream: end of file for the guest). */
        public Builder stdin(InputStream in) {
            stdio = stdio.withIn(Objects.requireNonNull(in, "in"));
            return this;
        }

        /** Standard output written to {@code out}, flushed at each write. */
        public Builder stdout(OutputStream out) {
            stdio = stdio.withOut(Objects.requireNonNull(out, "out"));
            return this;
        }

        /** Standard error written to {@code err}, flushed at each write. */
        public Builder stderr(OutputStream err) {
            stdio = stdio.withErr(Objects.requireNonNull(err, "err"));
            return this;
        }

        /** The JVM's own standard input, output and error. */
        public Builder inheritStdio() {
            stdio = StdioSpec.INHERIT;
            return this;
        }

        /**
         * Shows the streams given as Java streams to the guest as terminals ({@code isatty}), as
         * a relay of a remote terminal needs; an inherited stream is a terminal when the host's is.
         */
        public Builder terminals(boolean in, boolean out, boolean err) {
            stdio = stdio.withTerminals((in ? 1 : 0) | (out ? 2 : 0) | (err ? 4 : 0));
            return this;
        }

        /** Errors: IllegalStateException when no program was given. */
        public ProcessSpec build() {
            if (program == null) throw new IllegalStateException("no program");
            return new ProcessSpec(this);
        }

        Builder stdio(StdioSpec s) {
            stdio = s;
            return this;
        }

        void clearEnv() {
            env.clear();
        }
    }

    /** An environment name: not empty, no '=' (it would split elsewhere), no NUL. */
    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) throw new IllegalArgumentException("environment variable with an empty name");
        if (name.indexOf('=') >= 0) throw new IllegalArgumentException("environment name '" + name + "' contains '='");
        return checkString("environment name", name);
    }

    /** A string a guest sees as a C string: no NUL, which would cut it short. */
    static String checkString(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException(what + " contains a NUL character");
        return s;
    }
}
