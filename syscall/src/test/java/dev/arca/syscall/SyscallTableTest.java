package dev.arca.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arca.engine.ValueType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    /**
     * Every function of wasi_snapshot_preview1 with its parameter types (i = i32, I = i64), as in
     * the witx definition and wasi-libc's imports. All return an errno (i32) but proc_exit.
     */
    static final Map<String, String> PREVIEW1 = new LinkedHashMap<>();

    static {
        PREVIEW1.put("args_get", "ii");
        PREVIEW1.put("args_sizes_get", "ii");
        PREVIEW1.put("environ_get", "ii");
        PREVIEW1.put("environ_sizes_get", "ii");
        PREVIEW1.put("clock_res_get", "ii");
        PREVIEW1.put("clock_time_get", "iIi");
        PREVIEW1.put("fd_advise", "iIIi");
        PREVIEW1.put("fd_allocate", "iII");
        PREVIEW1.put("fd_close", "i");
        PREVIEW1.put("fd_datasync", "i");
        PREVIEW1.put("fd_fdstat_get", "ii");
        PREVIEW1.put("fd_fdstat_set_flags", "ii");
        PREVIEW1.put("fd_fdstat_set_rights", "iII");
        PREVIEW1.put("fd_filestat_get", "ii");
        PREVIEW1.put("fd_filestat_set_size", "iI");
        PREVIEW1.put("fd_filestat_set_times", "iIIi");
        PREVIEW1.put("fd_pread", "iiiIi");
        PREVIEW1.put("fd_prestat_get", "ii");
        PREVIEW1.put("fd_prestat_dir_name", "iii");
        PREVIEW1.put("fd_pwrite", "iiiIi");
        PREVIEW1.put("fd_read", "iiii");
        PREVIEW1.put("fd_readdir", "iiiIi");
        PREVIEW1.put("fd_renumber", "ii");
        PREVIEW1.put("fd_seek", "iIii");
        PREVIEW1.put("fd_sync", "i");
        PREVIEW1.put("fd_tell", "ii");
        PREVIEW1.put("fd_write", "iiii");
        PREVIEW1.put("path_create_directory", "iii");
        PREVIEW1.put("path_filestat_get", "iiiii");
        PREVIEW1.put("path_filestat_set_times", "iiiiIIi");
        PREVIEW1.put("path_link", "iiiiiii");
        PREVIEW1.put("path_open", "iiiiiIIii");
        PREVIEW1.put("path_readlink", "iiiiii");
        PREVIEW1.put("path_remove_directory", "iii");
        PREVIEW1.put("path_rename", "iiiiii");
        PREVIEW1.put("path_symlink", "iiiii");
        PREVIEW1.put("path_unlink_file", "iii");
        PREVIEW1.put("poll_oneoff", "iiii");
        PREVIEW1.put("proc_exit", "i");
        PREVIEW1.put("proc_raise", "i");
        PREVIEW1.put("sched_yield", "");
        PREVIEW1.put("random_get", "ii");
        PREVIEW1.put("sock_accept", "iii");
        PREVIEW1.put("sock_recv", "iiiiii");
        PREVIEW1.put("sock_send", "iiiii");
        PREVIEW1.put("sock_shutdown", "ii");
    }

    private static List<Syscall> preview1() {
        return SyscallTable.all().stream().filter(s -> s.module().equals(SyscallTable.WASI)).toList();
    }

    private static String signature(List<ValueType> types) {
        StringBuilder sb = new StringBuilder();
        for (ValueType t : types) {
            if (t == ValueType.I32) sb.append('i');
            else if (t == ValueType.I64) sb.append('I');
            else sb.append('?');
        }
        return sb.toString();
    }

    @Test
    void thereAreExactly46Preview1Functions() {
        assertEquals(46, PREVIEW1.size());
        assertEquals("wasi_snapshot_preview1", SyscallTable.WASI);
        assertEquals(46, preview1().size());
    }

    @Test
    void namesAreUnique() {
        Set<String> seen = new HashSet<>();
        for (Syscall s : SyscallTable.all()) {
            assertTrue(seen.add(s.module() + "." + s.name()), "duplicate " + s.name());
        }
    }

    @Test
    void theNamesAreThoseOfPreview1() {
        Set<String> names = preview1().stream().map(Syscall::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(PREVIEW1.keySet()), names);
    }

    @Test
    void signaturesMatchPreview1() {
        for (Syscall s : preview1()) {
            assertEquals(PREVIEW1.get(s.name()), signature(s.params()), s.name() + " params");
            if (s.name().equals("proc_exit")) {
                assertEquals(List.of(), s.results(), "proc_exit returns nothing");
            } else {
                assertEquals(List.of(ValueType.I32), s.results(), s.name() + " returns an errno");
            }
        }
    }

    @Test
    void everyEntryHasAHandlerASupportLevelAndANote() {
        for (Syscall s : SyscallTable.all()) {
            assertNotNull(s.handler(), s.name());
            assertNotNull(s.support(), s.name());
            assertNotNull(s.note(), s.name());
            if (s.support() != Support.FULL) {
                assertTrue(!s.note().isBlank(), s.name() + ": a partial or unsupported entry says why");
            }
        }
    }

    @Test
    void markdownListsEveryName() {
        String md = SyscallTable.markdown();
        for (String name : PREVIEW1.keySet()) {
            assertTrue(md.contains("| `" + name + "` |"), name + " in markdown");
        }
        long full = preview1().stream().filter(s -> s.support() == Support.FULL).count();
        long partial = preview1().stream().filter(s -> s.support() == Support.PARTIAL).count();
        long unsupported = preview1().stream().filter(s -> s.support() == Support.UNSUPPORTED).count();
        assertTrue(md.contains("46 imports: " + full + " full, " + partial + " partial, " + unsupported + " unsupported."), md);
        long rows = md.lines().filter(l -> l.startsWith("| " + SyscallTable.WASI + " |")).count();
        assertEquals(46, rows, "one table row per import");
        assertTrue(md.contains("| fd_seek |") || md.contains("| `fd_seek` | i32, i64, i32, i32 |"), "params rendered");
    }

    @Test
    void allReturnsACopy() {
        List<Syscall> all = SyscallTable.all();
        int size = all.size();
        try {
            all.clear();
        } catch (UnsupportedOperationException expected) {
            // immutable: fine
        }
        assertEquals(size, SyscallTable.all().size());
    }

    @Test
    void arcaModuleHasEachCallOnceWithItsNote() {
        List<Syscall> arca = SyscallTable.all().stream().filter(s -> s.module().equals(SyscallTable.ARCA)).toList();
        assertEquals(arca.size(), arca.stream().map(Syscall::name).distinct().count(), "unique names");
        for (String name : List.of("proc_spawn", "proc_wait", "proc_getpid", "proc_getppid", "proc_kill", "sig_action",
                "sig_mask", "fd_pipe", "fd_dup", "fd_dup2", "fd_cloexec")) {
            assertTrue(arca.stream().anyMatch(s -> s.name().equals(name) && !s.note().isEmpty()), name);
        }
        assertEquals(46 + 1 + arca.size(), SyscallTable.all().size(), "preview1's 46, wasi-threads' thread-spawn, arca's");
    }

    /** wasi-threads' import as Wasmtime and wasi-libc declare it: (i32 start_arg) -> i32. */
    @Test
    void threadSpawnIsWasiThreads() {
        List<Syscall> threads = SyscallTable.all().stream().filter(s -> s.module().equals("wasi")).toList();
        assertEquals(1, threads.size());
        assertEquals("thread-spawn", threads.get(0).name());
        assertEquals("i", signature(threads.get(0).params()));
        assertEquals("i", signature(threads.get(0).results()));
    }

    /**
     * The arca calls' wasm signatures (derived from their C parameters), as modules already built
     * with the SDK import them: a change here breaks every such module.
     */
    @Test
    void arcaSignaturesAreThoseTheSdkImports() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("proc_spawn", "iiiiiiiiii");
        expected.put("proc_wait", "iiii");
        expected.put("proc_getpid", "i");
        expected.put("proc_getppid", "i");
        expected.put("proc_getpgrp", "i");
        expected.put("proc_getrlimit", "ii");
        expected.put("proc_kill", "ii");
        expected.put("sig_action", "iii");
        expected.put("sig_mask", "iIi");
        expected.put("sig_alarm", "IIii");
        expected.put("sig_cputimer", "iIIii");
        expected.put("sig_pending", "i");
        expected.put("fd_pipe", "ii");
        expected.put("fd_dup", "iii");
        expected.put("fd_dup2", "ii");
        expected.put("fd_cloexec", "iii");
        expected.put("fd_lock", "iiiIIi");
        // sockets (docs/sockets.md), as the SDK's libarca imports them
        expected.put("sock_open", "iiii");
        expected.put("sock_pair", "iiii");
        expected.put("sock_bind", "iii");
        expected.put("sock_listen", "ii");
        expected.put("sock_accept4", "iiiii");
        expected.put("sock_connect", "iii");
        expected.put("sock_name", "iiii");
        expected.put("sock_getopt", "iiiii");
        expected.put("sock_setopt", "iiiii");
        expected.put("sock_sendto", "iiiiiii");
        expected.put("sock_recvfrom", "iiiiiiii");
        expected.put("sock_shutdown", "ii");
        expected.put("sock_resolve", "iiiiii");
        expected.put("fd_poll", "iiIii");
        expected.put("fd_nread", "ii");
        expected.put("thread_signal", "ii");
        Map<String, String> actual = new LinkedHashMap<>();
        for (Syscall s : SyscallTable.all()) {
            if (s.module().equals(SyscallTable.ARCA)) actual.put(s.name(), signature(s.params()));
        }
        assertEquals(expected, actual);
    }
}
