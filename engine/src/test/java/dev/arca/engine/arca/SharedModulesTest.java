package dev.arca.engine.arca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.arca.compiler.CompilerOptions;
import dev.arca.engine.CompiledModule;
import dev.arca.abi.DiagnosticSink;
import dev.arca.engine.Engine;
import dev.arca.engine.Imports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Modules shared by the engines of a resident JVM ({@link ArcaBackend#shareLoaded}). */
class SharedModulesTest {
    // () -> () exported as _start, with an empty body
    private static final byte[] START = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02,
            0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

    @AfterEach
    void off() {
        ArcaBackend.sharing(false); // the other tests of this JVM load from their own engines
    }

    private static Engine engine() {
        return new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA);
    }

    @Test
    void eachEngineLoadsItsOwnUnlessSharing() throws Exception {
        assertNotSame(engine().load("start", START), engine().load("start", START));
    }

    @Test
    void sharingEnginesGetTheSameModuleAndItsClasses() throws Exception {
        Engine.shareLoadedModules();
        CompiledModule a = engine().load("start", START), b = engine().load("start", START);
        assertSame(a, b);
        CompiledModule c = engine().load("other-name", START);
        assertEquals("other-name", c.name(), "a trap names the program as this instance calls it");
        var i = c.instantiate(new Imports(), 1);
        i.function("_start").call();
        assertSame(((ArcaModule) a).classLoader(), ((ArcaModule) c).classLoader(), "the same classes: the code the JVM compiled");
    }

    // a mutable i32 global and an export "inc" () -> i32 that adds one to it and returns it
    private static final byte[] COUNTER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
            0x03, 0x02, 0x01, 0x00, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x07, 0x07, 0x01, 0x03, 'i', 'n', 'c', 0x00, 0x00,
            0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x23, 0x00, 0x41, 0x01, 0x6a, 0x24, 0x00, 0x23, 0x00, 0x0b};

    @Test
    void instancesOfASharedModuleShareNoState() throws Exception {
        // the hostile case of sharing: one tenant's instance must not see or change another's globals
        Engine.shareLoadedModules();
        var a = engine().load("counter", COUNTER).instantiate(new Imports(), 1);
        var b = engine().load("counter", COUNTER).instantiate(new Imports(), 1);
        a.function("inc").call();
        a.function("inc").call();
        assertEquals(3, ((Number) a.function("inc").call()[0]).intValue());
        assertEquals(1, ((Number) b.function("inc").call()[0]).intValue(), "b starts from its own zero");
    }

    @Test
    void anotherCompilerOptionIsAnotherModule() throws Exception {
        Engine.shareLoadedModules();
        var other = new CompilerOptions(CompilerOptions.DEFAULT.methodSizeLimit() / 2, CompilerOptions.DEFAULT.maxFunctionBodyBytes(), CompilerOptions.DEFAULT.maxLocals());
        CompiledModule a = engine().load("start", START);
        CompiledModule b = new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA, Engine.MemoryKind.BYTE_ARRAY, other, DiagnosticSink.STDERR).load("start", START);
        assertNotSame(a, b);
    }
}
