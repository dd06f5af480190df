/* pthread_unsupported - what Arca documents as unsupported (docs/threads.md) fails cleanly:
 * dlopen (no dynamic loading; natively the library named does not exist either), pthread_cancel
 * (ENOSYS in Arca; natively it cancels), named semaphores (ENOSYS in Arca). Cancel state and type
 * are recorded. Each platform is checked against what it documents; the line says whether it held. */
#include "common.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

static void *sleeper(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

int main(void) {
    void *h = dlopen("libarca-no-such-library.so", RTLD_NOW);
    printf("dlopen fails: %s\n", yesno(h == NULL));
    const char *e = dlerror();
    printf("dlerror says why: %s\n", yesno(e != NULL && e[0] != 0));
    printf("dlerror again: %s\n", dlerror() ? "a message" : "NULL");

    int old = -1;
    printf("setcancelstate disable: %s\n", errname(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old)));
    printf("old state enable: %s\n", yesno(old == PTHREAD_CANCEL_ENABLE));
    printf("setcancelstate back: %s\n", errname(pthread_setcancelstate(old, &old)));
    printf("old state disable: %s\n", yesno(old == PTHREAD_CANCEL_DISABLE));
    printf("setcanceltype deferred: %s\n", errname(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old)));
    printf("setcancelstate 42: %s\n", errname(pthread_setcancelstate(42, &old)));

    sem_t *s = sem_open("/arca-test", O_CREAT, 0600, 1);
#ifdef __wasi__
    printf("sem_open as documented: %s\n", yesno(s == SEM_FAILED && errno == ENOSYS));
#else
    printf("sem_open as documented: %s\n", yesno(s != SEM_FAILED));
    if (s != SEM_FAILED) {
        sem_close(s);
        sem_unlink("/arca-test");
    }
#endif

    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &a, sleeper, NULL);
    int r = pthread_cancel(t);
#ifdef __wasi__
    printf("pthread_cancel as documented: %s\n", yesno(r == ENOSYS));
#else
    printf("pthread_cancel as documented: %s\n", yesno(r == 0));
#endif
    return 0; /* the sleeper still runs in Arca: returning from main ends the process */
}
