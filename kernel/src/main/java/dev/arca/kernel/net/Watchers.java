package dev.arca.kernel.net;

import dev.arca.kernel.fd.Wakeable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who must hear of a change to one object: polls, or the watchers of another object (a socket
 * adds its own to the buffers of its connection). Waking is cheap when there are none.
 */
final class Watchers implements Wakeable {
    private final CopyOnWriteArrayList<Wakeable> list = new CopyOnWriteArrayList<>();

    void add(Wakeable w) {
        list.addIfAbsent(w);
    }

    void remove(Wakeable w) {
        list.remove(w);
    }

    @Override
    public void wake() {
        if (list.isEmpty()) return;
        for (Wakeable w : list) w.wake();
    }
}
