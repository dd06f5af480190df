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

    @Test
    void anotherCompilerOptionIsAnotherModule() throws Exception {
        Engine.shareLoadedModules();
        var other = new CompilerOptions(CompilerOptions.DEFAULT.methodSizeLimit() / 2, CompilerOptions.DEFAULT.maxFunctionBodyBytes(), CompilerOptions.DEFAULT.maxLocals());
        CompiledModule a = engine().load("start", START);
        CompiledModule b = new Engine(new dev.arca.host.LinuxHost(), null, Engine.Kind.ARCA, Engine.MemoryKind.BYTE_ARRAY, other, DiagnosticSink.STDERR).load("start", START);
        assertNotSame(a, b);
    }
}
