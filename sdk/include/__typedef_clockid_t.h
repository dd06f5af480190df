/* Arca SDK overlay: POSIX wants clockid_t to be an arithmetic type (<sys/types.h>), and programs
   keep clock ids in an int (lighttpd does). wasi-libc makes it a pointer to a struct that names
   the WASI clock; an int of the same width carries that pointer through the same ABI (wasm32
   passes both as i32), so wasi-libc's clock_gettime, clock_getres and clock_nanosleep take it
   unchanged. The CLOCK_* values are then the addresses of wasi-libc's clock structs
   (see __header_time.h beside this file). */
#ifndef __wasilibc___typedef_clockid_t_h
#define __wasilibc___typedef_clockid_t_h
typedef int clockid_t;
#endif
