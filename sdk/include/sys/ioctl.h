/* Arca SDK overlay: ioctl on descriptors: FIONREAD (bytes readable at once: a socket's or a
   pipe's buffer, a file's bytes after the offset), FIONBIO (O_NONBLOCK), FIOCLEX and FIONCLEX
   (FD_CLOEXEC). Any other request (TIOCGWINSZ included) is ENOTTY, as Linux answers for a
   descriptor that is no terminal. */
#ifndef _ARCA_SYS_IOCTL_H
#define _ARCA_SYS_IOCTL_H
#include_next <sys/ioctl.h>
#ifndef FIOCLEX
#define FIOCLEX 3
#define FIONCLEX 4
#endif
/* terminal requests: Arca has no terminal line discipline, so they are ENOTTY */
#ifndef TIOCGWINSZ
struct winsize {
    unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#endif
#ifndef FIOASYNC
#define FIOASYNC 0x5452 /* Linux's; signal-driven I/O is not supported (ENOTTY) */
#endif
#endif
