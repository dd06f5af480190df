/* A module as wasm-ld links one for threads (--shared-memory --import-memory): its data segments
 * are passive, copied by the start function __wasm_init_memory, which an atomic flag guards so
 * that the instance of a second thread leaves the shared memory alone. */
static int counter;
static char greeting[] = "hello";

int bump(int n) {
    for (int i = 0; i < n; i++) __atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&counter, __ATOMIC_SEQ_CST);
}

int first_char(void) { return greeting[0]; }

void set_first(int c) { greeting[0] = (char) c; }
