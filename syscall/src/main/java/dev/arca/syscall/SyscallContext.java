package dev.arca.syscall;

import com.dylibso.chicory.runtime.Instance;
import dev.arca.kernel.Kernel;
import dev.arca.kernel.Process;
import dev.arca.kernel.fd.Descriptor;
import dev.arca.abi.ErrnoException;

/** What a handler works with: the calling process and its checked memory. */
public final class SyscallContext {
    private final Process process;
    private GuestMemory memory;
    private Instance instance;

    SyscallContext(Process process) {
        this.process = process;
    }

    void bind(Instance instance) {
        this.instance = instance;
        this.memory = new GuestMemory(instance.memory());
    }

    public Process process() {
        return process;
    }

    public Kernel kernel() {
        return process.kernel();
    }

    public GuestMemory memory() {
        return memory;
    }

    Instance instance() {
        return instance;
    }

    /** Descriptor {@code fd} (a raw i32 argument), which must carry {@code rights}. */
    public Descriptor fd(long fd, long rights) throws ErrnoException {
        return process.fds().get((int) fd, rights);
    }
}
