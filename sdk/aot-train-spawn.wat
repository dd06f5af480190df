;; The AOT training's spawn program (sdk/aot-train.sh): run with no argument it spawns itself as
;; /t/spawn.wasm with the argument "child" 64 times, waiting for each (exit 1 if a spawn or a wait
;; fails), then prints "arca"; the child exits at once. Assembled with wabt's wat2wasm into the
;; hex in aot-train.sh: wat2wasm sdk/aot-train-spawn.wat -o /dev/stdout | xxd -p -c 48
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "arca" "proc_spawn" (func $spawn (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "arca" "proc_wait" (func $wait (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\05\00\00\00")
  (data (i32.const 16) "arca\n")
  (data (i32.const 32) "/t/spawn.wasm")
  (data (i32.const 64) "spawn.wasm\00child\00")
  (func $start
    (local $i i32)
    (drop (call $args_sizes_get (i32.const 112) (i32.const 116)))
    (if (i32.gt_u (i32.load (i32.const 112)) (i32.const 1)) (then (call $proc_exit (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 64)))
        (if (call $spawn (i32.const 32) (i32.const 13) (i32.const 64) (i32.const 17) (i32.const 0) (i32.const 0)
              (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 96))
          (then (call $proc_exit (i32.const 1))))
        (if (call $wait (i32.load (i32.const 96)) (i32.const 0) (i32.const 100) (i32.const 104))
          (then (call $proc_exit (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 0)))
  (export "_start" (func $start)))
