;; A module whose memory is not shared asks for a thread: thread-spawn fails with -ENOTSUP (58).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32))
  (func (export "_start")
    (if (i32.ne (call $spawn (i32.const 0)) (i32.const -58)) (then (call $exit (i32.const 1))))))
