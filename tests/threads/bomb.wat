;; Threads that wait forever are made until thread-spawn fails: it must fail with -EAGAIN (WASI
;; errno 6) at the manifest's thread limit (8: the first thread and 7 more); then the first
;; thread returns from _start, which ends the process and stops the waiting threads.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (loop $forever
      (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
      (br $forever)))
  (func (export "_start")
    (local $n i32) (local $r i32)
    (loop $s
      (local.set $r (call $spawn (i32.const 0)))
      (if (i32.gt_s (local.get $r) (i32.const 0))
        (then (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $s))))
    (if (i32.ne (local.get $r) (i32.const -6)) (then (call $exit (i32.const 3))))
    (if (i32.ne (local.get $n) (i32.const 7)) (then (call $exit (i32.const 4))))))
