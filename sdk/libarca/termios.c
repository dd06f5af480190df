/* <termios.h> without a terminal (sdk/include/termios.h): every descriptor is "not a terminal".
   The fd_cloexec query tells an open descriptor (ENOTTY) from a closed one (EBADF), as ioctl.c
   does. cfmakeraw and the speed calls only edit the struct, as in every libc. */
#include <errno.h>
#include <termios.h>
#include "libarca.h"

static int not_a_terminal(int fd) {
    int32_t old;
    int32_t err = __arca_fd_cloexec(fd, 0, &old);
    errno = err ? err : ENOTTY;
    return -1;
}

int tcgetattr(int fd, struct termios *t) {
    (void)t;
    return not_a_terminal(fd);
}

int tcsetattr(int fd, int action, const struct termios *t) {
    (void)action;
    (void)t;
    return not_a_terminal(fd);
}

int tcflush(int fd, int queue) {
    (void)queue;
    return not_a_terminal(fd);
}

int tcdrain(int fd) {
    return not_a_terminal(fd);
}

void cfmakeraw(struct termios *t) {
    t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~OPOST;
    t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t) {
    return t->__c_ispeed;
}

speed_t cfgetospeed(const struct termios *t) {
    return t->__c_ospeed;
}

int cfsetispeed(struct termios *t, speed_t s) {
    t->__c_ispeed = s;
    return 0;
}

int cfsetospeed(struct termios *t, speed_t s) {
    t->__c_ospeed = s;
    return 0;
}
