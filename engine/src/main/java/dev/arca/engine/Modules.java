package dev.arca.engine;

import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;

/**
 * The one way both backends read a module: Chicory's parser and validator, every failure of
 * theirs a {@link ModuleException} of one line, and what they let through that the specification
 * does not.
 */
public final class Modules {
    private Modules() {}

    /**
     * The version of what {@link #parse} refuses beyond Chicory's own checks, part of the
     * compiled-module cache's layout: raised with every new check, so that a module cached before
     * it (and never parsed again) is parsed and checked once more.
     */
    public static final String CHECKS = "-checks2";

    /**
     * Parses and validates {@code wasm}. Errors: MALFORMED or INVALID, one line, never another
     * exception: Chicory reports most defects as its own exceptions, but a hostile module can
     * reach others in its parser and validator (and, in a JVM run with {@code -ea}, its own
     * assertions: {@code MutationFuzzTest} found one in {@code AnnotatedInstruction}).
     */
    public static WasmModule parse(String name, byte[] wasm) throws ModuleException {
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            boolean invalid = e instanceof InvalidException;
            throw new ModuleException(invalid ? ModuleException.Kind.INVALID : ModuleException.Kind.MALFORMED,
                    name + ": " + (invalid ? "invalid" : "malformed") + " module: " + Engine.oneLine(e));
        }
        checkBodiesEnd(name, module);
        return module;
    }

    /**
     * Every function body ends with the {@code end} that closes the function's own block, and
     * nothing follows it (the specification's {@code expr}). Chicory 1.7.5's parser takes a body
     * whose last {@code end} closes an inner block and leaves the function's open: its
     * interpreter then runs it, and Arca's compiler made bytecode the JVM refused (a
     * VerifyError when the function was called, with functions split into small methods) or ran
     * it differently split and whole (found by {@code MutationFuzzTest}; V8 refuses such a module).
     */
    static void checkBodiesEnd(String name, WasmModule module) throws ModuleException {
        var code = module.codeSection();
        if (code == null) return;
        for (int i = 0; i < code.functionBodyCount(); i++) {
            List<AnnotatedInstruction> body = code.getFunctionBody(i).instructions();
            boolean closed = false;
            for (AnnotatedInstruction ins : body) {
                if (closed) throw malformed(name, i, "has instructions after the end of the function");
                if (ins.opcode() == OpCode.END && ins.depth() == 0) closed = true;
            }
            if (!closed) throw malformed(name, i, "does not end with the end of the function");
        }
    }

    private static ModuleException malformed(String name, int body, String what) {
        return new ModuleException(ModuleException.Kind.MALFORMED, name + ": malformed module: function body " + body + " of the code section " + what);
    }
}
