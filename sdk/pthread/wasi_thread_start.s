# wasi_thread_start(tid, start_arg): where a thread made by wasi.thread-spawn begins, on a fresh
# instance of the module over the same shared memory (its globals are fresh). Nothing may touch
# the C stack or thread-locals before they are set, so this is assembly: __stack_pointer from the
# control block's first word, the TLS block from its second (__wasm_init_tls copies the module's
# TLS image there and sets __tls_base), then __arca_thread_main (thread.c) runs the thread. The
# thread ends when this returns; pthread_exit longjmps back into __arca_thread_main first.
	.text
	.globaltype	__stack_pointer, i32
	.functype	__wasm_init_tls (i32) -> ()
	.functype	__arca_thread_main (i32, i32) -> ()
	.export_name	wasi_thread_start, wasi_thread_start
	.globl	wasi_thread_start
	.type	wasi_thread_start,@function
wasi_thread_start:
	.functype	wasi_thread_start (i32, i32) -> ()
	local.get	1
	i32.load	0
	global.set	__stack_pointer
	local.get	1
	i32.load	4
	call	__wasm_init_tls
	local.get	0
	local.get	1
	call	__arca_thread_main
	end_function
