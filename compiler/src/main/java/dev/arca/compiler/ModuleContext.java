package dev.arca.compiler;

import java.lang.constant.ClassDesc;
import java.util.ArrayList;
import java.util.List;

/** What every function's translation needs to know about its module. */
final class ModuleContext {
    static final String PACKAGE = "dev.arca.generated";

    final String[] typeSignatures; // by type index; null for a non-function type
    final String[] functionSignatures; // by function index, imports first
    final int importedFunctions;
    final int[] functionClass; // code class of each defined function (-1 for imports)
    final char[] globalTypes;
    final boolean[] globalCells;
    final String[] tagSignatures;
    final int memoryCount;
    /** By memory index: shared (threads proposal), whose accesses compiled code checks against its size. */
    boolean[] memoryShared = new boolean[0];
    final char[] tableTypes;
    final String[] functionNames; // for messages; may hold nulls
    final ClassDesc instanceClass = ClassDesc.of(PACKAGE + ".Module");
    private final List<int[]> branchTables = new ArrayList<>();
    final CompilerOptions options;
    /** Most functions of one signature a call_indirect site calls directly (else: its inline cache alone). */
    static final int DIRECT_INDIRECT_MAX = 8;
    /** By signature: the module's functions a call_indirect can reach, when few (see ModuleCompiler.indirectCandidates). */
    java.util.Map<String, int[]> indirectCandidates = java.util.Map.of();
    /** The module's exports (the instance class calls the exported functions for the host). */
    java.util.List<dev.arca.compiler.runtime.ModuleShape.Export> exports = java.util.List.of();

    ModuleContext(String[] typeSignatures, String[] functionSignatures, int importedFunctions, int[] functionClass,
            char[] globalTypes, boolean[] globalCells, String[] tagSignatures, int memoryCount, char[] tableTypes,
            String[] functionNames, CompilerOptions options) {
        this.typeSignatures = typeSignatures;
        this.functionSignatures = functionSignatures;
        this.importedFunctions = importedFunctions;
        this.functionClass = functionClass;
        this.globalTypes = globalTypes;
        this.globalCells = globalCells;
        this.tagSignatures = tagSignatures;
        this.memoryCount = memoryCount;
        this.tableTypes = tableTypes;
        this.functionNames = functionNames;
        this.options = options;
    }

    static ClassDesc codeClass(int index) {
        return ClassDesc.of(PACKAGE + ".Code" + index);
    }

    ClassDesc classOf(int function) {
        return codeClass(functionClass[function]);
    }

    /** Registers a large br_table's map; returns its index in the instance's branchTables. */
    synchronized int addBranchTable(int[] map) {
        branchTables.add(map);
        return branchTables.size() - 1;
    }

    synchronized List<int[]> branchTables() {
        return List.copyOf(branchTables);
    }

    /** "function 12 (sqlite3VdbeExec)" */
    String describe(int function) {
        String name = function < functionNames.length ? functionNames[function] : null;
        return name == null ? "function " + function : "function " + function + " (" + name + ")";
    }
}
