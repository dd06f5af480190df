;; A thread traps while the first thread waits forever: the process ends as a trap ends it.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  (func $boom (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    unreachable)
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 2))))
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
      (br $forever))))
