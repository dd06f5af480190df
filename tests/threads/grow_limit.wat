;; A thread grows the shared memory past the manifest's memory limit (4 pages: the module
;; declares 16) while the first thread waits forever: the whole process is stopped, as a process
;; that passes its memory limit is.
(module
  (import "env" "memory" (memory 1 16 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (drop (memory.grow (i32.const 8))))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 2))))
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
      (br $forever))))
