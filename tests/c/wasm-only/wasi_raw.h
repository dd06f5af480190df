/* wasi_raw.h - every wasi_snapshot_preview1 import, declared with its raw i32/i64 signature from
 * the preview1 witx (not through wasi-libc), and every import of Arca's own module "arca"
 * (sdk/libarca/arca_abi.h, as plain integers), so that a test can call each one with any
 * arguments: bad_pointers.c, sock_hostile.c and syscall_fuzz.c. */
#ifndef WASI_RAW_H
#define WASI_RAW_H
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef int32_t i32;
typedef int64_t i64;
typedef uint32_t ptr;

IMPORT(args_get) i32 raw_args_get(ptr argv, ptr argv_buf);
IMPORT(args_sizes_get) i32 raw_args_sizes_get(ptr argc, ptr buf_size);
IMPORT(environ_get) i32 raw_environ_get(ptr environ, ptr environ_buf);
IMPORT(environ_sizes_get) i32 raw_environ_sizes_get(ptr count, ptr buf_size);
IMPORT(clock_res_get) i32 raw_clock_res_get(i32 id, ptr res);
IMPORT(clock_time_get) i32 raw_clock_time_get(i32 id, i64 precision, ptr time);
IMPORT(fd_advise) i32 raw_fd_advise(i32 fd, i64 offset, i64 len, i32 advice);
IMPORT(fd_allocate) i32 raw_fd_allocate(i32 fd, i64 offset, i64 len);
IMPORT(fd_close) i32 raw_fd_close(i32 fd);
IMPORT(fd_datasync) i32 raw_fd_datasync(i32 fd);
IMPORT(fd_fdstat_get) i32 raw_fd_fdstat_get(i32 fd, ptr stat);
IMPORT(fd_fdstat_set_flags) i32 raw_fd_fdstat_set_flags(i32 fd, i32 flags);
IMPORT(fd_fdstat_set_rights) i32 raw_fd_fdstat_set_rights(i32 fd, i64 base, i64 inheriting);
IMPORT(fd_filestat_get) i32 raw_fd_filestat_get(i32 fd, ptr buf);
IMPORT(fd_filestat_set_size) i32 raw_fd_filestat_set_size(i32 fd, i64 size);
IMPORT(fd_filestat_set_times) i32 raw_fd_filestat_set_times(i32 fd, i64 atim, i64 mtim, i32 fst_flags);
IMPORT(fd_pread) i32 raw_fd_pread(i32 fd, ptr iovs, i32 iovs_len, i64 offset, ptr nread);
IMPORT(fd_prestat_get) i32 raw_fd_prestat_get(i32 fd, ptr buf);
IMPORT(fd_prestat_dir_name) i32 raw_fd_prestat_dir_name(i32 fd, ptr path, i32 path_len);
IMPORT(fd_pwrite) i32 raw_fd_pwrite(i32 fd, ptr iovs, i32 iovs_len, i64 offset, ptr nwritten);
IMPORT(fd_read) i32 raw_fd_read(i32 fd, ptr iovs, i32 iovs_len, ptr nread);
IMPORT(fd_readdir) i32 raw_fd_readdir(i32 fd, ptr buf, i32 buf_len, i64 cookie, ptr bufused);
IMPORT(fd_renumber) i32 raw_fd_renumber(i32 fd, i32 to);
IMPORT(fd_seek) i32 raw_fd_seek(i32 fd, i64 offset, i32 whence, ptr newoffset);
IMPORT(fd_sync) i32 raw_fd_sync(i32 fd);
IMPORT(fd_tell) i32 raw_fd_tell(i32 fd, ptr offset);
IMPORT(fd_write) i32 raw_fd_write(i32 fd, ptr iovs, i32 iovs_len, ptr nwritten);
IMPORT(path_create_directory) i32 raw_path_create_directory(i32 fd, ptr path, i32 path_len);
IMPORT(path_filestat_get) i32 raw_path_filestat_get(i32 fd, i32 flags, ptr path, i32 path_len, ptr buf);
IMPORT(path_filestat_set_times) i32 raw_path_filestat_set_times(i32 fd, i32 flags, ptr path, i32 path_len, i64 atim, i64 mtim, i32 fst_flags);
IMPORT(path_link) i32 raw_path_link(i32 old_fd, i32 old_flags, ptr old_path, i32 old_path_len, i32 new_fd, ptr new_path, i32 new_path_len);
IMPORT(path_open) i32 raw_path_open(i32 fd, i32 dirflags, ptr path, i32 path_len, i32 oflags, i64 rights_base, i64 rights_inheriting, i32 fdflags, ptr opened_fd);
IMPORT(path_readlink) i32 raw_path_readlink(i32 fd, ptr path, i32 path_len, ptr buf, i32 buf_len, ptr bufused);
IMPORT(path_remove_directory) i32 raw_path_remove_directory(i32 fd, ptr path, i32 path_len);
IMPORT(path_rename) i32 raw_path_rename(i32 fd, ptr old_path, i32 old_path_len, i32 new_fd, ptr new_path, i32 new_path_len);
IMPORT(path_symlink) i32 raw_path_symlink(ptr old_path, i32 old_path_len, i32 fd, ptr new_path, i32 new_path_len);
IMPORT(path_unlink_file) i32 raw_path_unlink_file(i32 fd, ptr path, i32 path_len);
IMPORT(poll_oneoff) i32 raw_poll_oneoff(ptr in, ptr out, i32 nsubscriptions, ptr nevents);
IMPORT(proc_exit) _Noreturn void raw_proc_exit(i32 rval);
IMPORT(proc_raise) i32 raw_proc_raise(i32 sig);
IMPORT(sched_yield) i32 raw_sched_yield(void);
IMPORT(random_get) i32 raw_random_get(ptr buf, i32 buf_len);
IMPORT(sock_accept) i32 raw_sock_accept(i32 fd, i32 flags, ptr new_fd);
IMPORT(sock_recv) i32 raw_sock_recv(i32 fd, ptr ri_data, i32 ri_data_len, i32 ri_flags, ptr ro_datalen, ptr ro_flags);
IMPORT(sock_send) i32 raw_sock_send(i32 fd, ptr si_data, i32 si_data_len, i32 si_flags, ptr so_datalen);
IMPORT(sock_shutdown) i32 raw_sock_shutdown(i32 fd, i32 how);

/* Arca's own imports (docs/syscalls.md) */
#define ARCA(name) __attribute__((import_module("arca"), import_name(#name)))
ARCA(proc_spawn) i32 a_proc_spawn(ptr path, i32 path_len, ptr argv, i32 argv_len, ptr envp, i32 envp_len, ptr actions, i32 n_actions, i32 pgroup, ptr pid_out);
ARCA(proc_wait) i32 a_proc_wait(i32 pid, i32 options, ptr status_out, ptr pid_out);
ARCA(proc_getpid) i32 a_proc_getpid(ptr out);
ARCA(proc_getppid) i32 a_proc_getppid(ptr out);
ARCA(proc_getpgrp) i32 a_proc_getpgrp(ptr out);
ARCA(proc_getrlimit) i32 a_proc_getrlimit(i32 resource, ptr out);
ARCA(proc_kill) i32 a_proc_kill(i32 pid, i32 sig);
ARCA(sig_action) i32 a_sig_action(i32 sig, i32 disposition, ptr old_out);
ARCA(sig_mask) i32 a_sig_mask(i32 how, i64 set, ptr old_out);
ARCA(sig_alarm) i32 a_sig_alarm(i64 value_ns, i64 interval_ns, ptr old_value_out, ptr old_interval_out);
ARCA(sig_cputimer) i32 a_sig_cputimer(i32 which, i64 value_ns, i64 interval_ns, ptr old_value_out, ptr old_interval_out);
ARCA(sig_pending) i32 a_sig_pending(ptr out);
ARCA(fd_pipe) i32 a_fd_pipe(ptr fds_out, i32 fdflags);
ARCA(fd_dup) i32 a_fd_dup(i32 fd, i32 min, ptr out);
ARCA(fd_dup2) i32 a_fd_dup2(i32 fd, i32 new_fd);
ARCA(fd_cloexec) i32 a_fd_cloexec(i32 fd, i32 op, ptr old_out);
ARCA(fd_lock) i32 a_fd_lock(i32 fd, i32 cmd, i32 type, i64 start, i64 len, ptr out);
ARCA(sock_open) i32 a_sock_open(i32 domain, i32 type, i32 protocol, ptr fd_out);
ARCA(sock_pair) i32 a_sock_pair(i32 domain, i32 type, i32 protocol, ptr fds_out);
ARCA(sock_bind) i32 a_sock_bind(i32 fd, ptr addr, i32 addr_len);
ARCA(sock_listen) i32 a_sock_listen(i32 fd, i32 backlog);
ARCA(sock_accept4) i32 a_sock_accept4(i32 fd, ptr addr, ptr addr_len, i32 flags, ptr fd_out);
ARCA(sock_connect) i32 a_sock_connect(i32 fd, ptr addr, i32 addr_len);
ARCA(sock_name) i32 a_sock_name(i32 fd, i32 which, ptr addr, ptr addr_len);
ARCA(sock_getopt) i32 a_sock_getopt(i32 fd, i32 level, i32 name, ptr value, ptr value_len);
ARCA(sock_setopt) i32 a_sock_setopt(i32 fd, i32 level, i32 name, ptr value, i32 value_len);
ARCA(sock_sendto) i32 a_sock_sendto(i32 fd, ptr iovs, i32 iovs_len, i32 flags, ptr addr, i32 addr_len, ptr nsent_out);
ARCA(sock_recvfrom) i32 a_sock_recvfrom(i32 fd, ptr iovs, i32 iovs_len, i32 flags, ptr addr, ptr addr_len, ptr nrecv_out, ptr msg_flags_out);
ARCA(sock_shutdown) i32 a_sock_shutdown(i32 fd, i32 how);
ARCA(sock_resolve) i32 a_sock_resolve(ptr name, i32 name_len, i32 family, ptr out, i32 out_cap, ptr count_out);
ARCA(fd_poll) i32 a_fd_poll(ptr fds, i32 nfds, i64 timeout_ns, ptr sigmask, ptr nready_out);
ARCA(fd_nread) i32 a_fd_nread(i32 fd, ptr n_out);
ARCA(thread_signal) i32 a_thread_signal(i32 tid, i32 sig);

#endif
