/* Arca SDK overlay: wasi-libc's <dirent.h> plus DT_SOCK, which this wasi-libc leaves out (it gives
   DT_FIFO the socket-stream file type). A directory entry whose WASI file type is a datagram
   socket is a socket; libc++'s <filesystem> maps DT_SOCK to file_type::socket. */
#ifndef _ARCA_DIRENT_H
#define _ARCA_DIRENT_H
#include_next <dirent.h>
#ifndef DT_SOCK
#define DT_SOCK __WASI_FILETYPE_SOCKET_DGRAM
#endif
#endif
