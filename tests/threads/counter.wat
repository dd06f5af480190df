;; 8 threads add 1 to a counter 100000 times each with i32.atomic.rmw.add; the first thread waits
;; (memory.atomic.wait32) until all have said they are done, then checks the total is exact.
(module
  (import "env" "memory" (memory 1 16 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (export "memory" (memory 0))
  ;; 0: counter, 4: threads done, 16: iovec, 64: text
  (data (i32.const 64) "counter ok\n")
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
    (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))
  (func (export "_start")
    (local $n i32) (local $done i32)
    (loop $s
      (if (i32.le_s (call $spawn (local.get $n)) (i32.const 0)) (then (call $exit (i32.const 2))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $n) (i32.const 8))))
    (loop $w
      (local.set $done (i32.atomic.load (i32.const 4)))
      (if (i32.lt_u (local.get $done) (i32.const 8))
        (then (drop (memory.atomic.wait32 (i32.const 4) (local.get $done) (i64.const -1))) (br $w))))
    (if (i32.ne (i32.atomic.load (i32.const 0)) (i32.const 800000)) (then (call $exit (i32.const 1))))
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 11))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
