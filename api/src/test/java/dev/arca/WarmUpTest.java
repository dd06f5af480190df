package dev.arca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arca.syscall.SyscallTable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WarmUpTest {
    @Test
    void theGeneratedProgramImportsEverySyscallWritesItsLineAndExitsZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExitStatus s;
        try (Instance i = Instance.create(InstanceConfig.builder().program(Program.of("warm", WarmUp.module())).stdout(out).build())) {
            s = i.run();
        }
        assertEquals(0, s.code(), String.valueOf(s.reason()));
        assertEquals("arca\n", out.toString(StandardCharsets.UTF_8));
        // every call of the table is imported (none has more than one result), so every adapter is made
        assertEquals(SyscallTable.all().size(), imports(WarmUp.module()));
    }

    @Test
    void warmUpRunsIt() throws Exception {
        assertEquals(0, Instance.warmUp().code());
    }

    /** The import count in a module's import section (section 2, after magic, version and the type section). */
    private static int imports(byte[] m) {
        int p = 8;
        while (p < m.length) {
            int id = m[p++];
            int[] size = leb(m, p);
            p = size[1];
            if (id == 2) return leb(m, p)[0];
            p += size[0];
        }
        return -1;
    }

    private static int[] leb(byte[] b, int p) {
        int v = 0, shift = 0;
        while (true) {
            int x = b[p++] & 0xff;
            v |= (x & 0x7f) << shift;
            shift += 7;
            if ((x & 0x80) == 0) return new int[] {v, p};
        }
    }
}
