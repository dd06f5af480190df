package dev.arca;

import dev.arca.engine.ValueType;
import dev.arca.syscall.Syscall;
import dev.arca.syscall.SyscallTable;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program generated here, run once to warm a resident JVM ({@link Instance#warmUp}): it imports
 * every call of the syscall table (so the engine makes the host-call adapter of every signature),
 * writes a line to standard output and exits, through the same kernel, process and syscall paths
 * as any program. Measured on a node that had run no guest yet: 200-440 ms from a service's start to
 * its first line, most of it the JVM initializing those paths (the syscall table, method handle
 * forms, the process runner); a program it runs after this pays none of that.
 */
final class WarmUp {
    private WarmUp() {}

    /**
     * The module: imports every syscall; {@code _start} asks for its arguments' sizes, fd 1's
     * status and the monotonic clock (what every libc does first), writes "arca\n" to fd 1, then
     * calls proc_exit(0).
     */
    static byte[] module() {
        List<Syscall> calls = new ArrayList<>();
        for (Syscall s : SyscallTable.all()) {
            if (s.results().size() <= 1) calls.add(s);
        }
        Map<String, Integer> types = new LinkedHashMap<>();
        int[] typeOf = new int[calls.size()];
        for (int i = 0; i < calls.size(); i++) typeOf[i] = types.computeIfAbsent(signature(calls.get(i).params(), calls.get(i).results()), k -> types.size());
        int start = types.computeIfAbsent(signature(List.of(), List.of()), k -> types.size());
        int fdWrite = index(calls, "wasi_snapshot_preview1", "fd_write"), procExit = index(calls, "wasi_snapshot_preview1", "proc_exit");
        int argsSizes = index(calls, "wasi_snapshot_preview1", "args_sizes_get"), fdstat = index(calls, "wasi_snapshot_preview1", "fd_fdstat_get");
        int clock = index(calls, "wasi_snapshot_preview1", "clock_time_get");

        Out m = new Out();
        m.bytes(0, 'a', 's', 'm', 1, 0, 0, 0);
        Out s = new Out(); // types
        s.u32(types.size());
        for (String sig : types.keySet()) {
            String[] pr = sig.split(":", -1);
            s.bytes(0x60);
            s.u32(pr[0].length());
            for (char c : pr[0].toCharArray()) s.bytes(c);
            s.u32(pr[1].length());
            for (char c : pr[1].toCharArray()) s.bytes(c);
        }
        m.section(1, s);
        s = new Out(); // imports
        s.u32(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            s.name(calls.get(i).module());
            s.name(calls.get(i).name());
            s.bytes(0x00);
            s.u32(typeOf[i]);
        }
        m.section(2, s);
        s = new Out(); // functions: _start
        s.u32(1);
        s.u32(start);
        m.section(3, s);
        s = new Out(); // memory: one page
        s.u32(1);
        s.bytes(0x00, 1);
        m.section(5, s);
        s = new Out(); // exports
        s.u32(2);
        s.name("_start");
        s.bytes(0x00);
        s.u32(calls.size());
        s.name("memory");
        s.bytes(0x02, 0);
        m.section(7, s);
        Out body = new Out();
        body.u32(0); // no locals
        // an iovec at 0 for the 5 bytes at 32; the count written goes to 16
        store(body, 0, 32);
        store(body, 4, 5);
        store(body, 32, 'a' | 'r' << 8 | 'c' << 16 | 'a' << 24);
        store(body, 36, '\n');
        call(body, argsSizes, 64, 68);
        call(body, fdstat, 1, 64);
        body.bytes(0x41); // clock_time_get(CLOCK_MONOTONIC, precision 0, at 64)
        body.s32(1);
        body.bytes(0x42, 0x00);
        body.bytes(0x41);
        body.s32(64);
        body.bytes(0x10);
        body.u32(clock);
        body.bytes(0x1a);
        body.bytes(0x41);
        body.s32(1);
        body.bytes(0x41);
        body.s32(0);
        body.bytes(0x41);
        body.s32(1);
        body.bytes(0x41);
        body.s32(16);
        body.bytes(0x10);
        body.u32(fdWrite);
        body.bytes(0x1a); // drop the errno
        body.bytes(0x41);
        body.s32(0);
        body.bytes(0x10);
        body.u32(procExit);
        body.bytes(0x0b);
        s = new Out(); // code
        s.u32(1);
        s.u32(body.size());
        s.write(body.toByteArray(), 0, body.size());
        m.section(10, s);
        return m.toByteArray();
    }

    /** Runs the program in an instance of its own, with no mounts and its output dropped. */
    static ExitStatus run() throws ArcaException {
        OutputStream none = OutputStream.nullOutputStream();
        try (Instance i = Instance.create(InstanceConfig.builder().program(Program.of("arca-warm-up", module())).stdout(none).stderr(none).build())) {
            return i.run();
        }
    }

    private static int index(List<Syscall> calls, String module, String name) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).module().equals(module) && calls.get(i).name().equals(name)) return i;
        }
        throw new IllegalStateException("the syscall table has no " + module + "." + name);
    }

    /** A call of an (i32, i32) -> i32 syscall with constant arguments, its errno dropped. */
    private static void call(Out b, int function, int a, int c) {
        b.bytes(0x41);
        b.s32(a);
        b.bytes(0x41);
        b.s32(c);
        b.bytes(0x10);
        b.u32(function);
        b.bytes(0x1a);
    }

    private static void store(Out b, int address, int value) {
        b.bytes(0x41);
        b.s32(address);
        b.bytes(0x41);
        b.s32(value);
        b.bytes(0x36, 0x02, 0x00); // i32.store align=4 offset=0
    }

    private static String signature(List<ValueType> params, List<ValueType> results) {
        return code(params) + ":" + code(results);
    }

    private static String code(List<ValueType> types) {
        StringBuilder sb = new StringBuilder();
        for (ValueType t : types) {
            sb.append((char) switch (t) {
                case I32 -> 0x7f;
                case I64 -> 0x7e;
                case F32 -> 0x7d;
                case F64 -> 0x7c;
                default -> throw new IllegalStateException("a syscall with a " + t + " parameter");
            });
        }
        return sb.toString();
    }

    /** The WebAssembly binary format's few encodings this needs. */
    private static final class Out extends ByteArrayOutputStream {
        void bytes(int... bs) {
            for (int b : bs) write(b);
        }

        void u32(int v) {
            long x = v & 0xffffffffL;
            do {
                int b = (int) (x & 0x7f);
                x >>>= 7;
                write(x != 0 ? b | 0x80 : b);
            } while (x != 0);
        }

        void s32(int v) {
            while (true) {
                int b = v & 0x7f;
                v >>= 7;
                boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
                write(done ? b : b | 0x80);
                if (done) return;
            }
        }

        void name(String n) {
            byte[] b = n.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            write(b, 0, b.length);
        }

        void section(int id, Out content) {
            write(id);
            u32(content.size());
            write(content.toByteArray(), 0, content.size());
        }
    }
}
