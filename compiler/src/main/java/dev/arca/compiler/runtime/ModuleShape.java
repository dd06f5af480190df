package dev.arca.compiler.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the compiler knows about a module besides its code, and what instantiating it needs:
 * imports, exports, memories, tables, globals, tags, segments, the start function, and where
 * each function's method is. Kept beside the generated classes (and with them in the compiled
 * module cache), so a cached module is instantiated without parsing the wasm again.
 *
 * <p>Value types are the letters of {@link Signatures}.
 */
public record ModuleShape(
        String instanceClass,
        List<String> codeClasses,
        List<Import> imports,
        List<Function> functions,
        List<MemoryType> memories,
        List<TableType> tables,
        List<GlobalType> globals,
        List<String> tags,
        List<Export> exports,
        List<Data> data,
        List<Elem> elements,
        int start,
        List<int[]> branchTables) {

    public enum Kind { FUNCTION, TABLE, MEMORY, GLOBAL, TAG }

    /**
     * An import. FUNCTION and TAG: {@code type} is the signature. TABLE: {@code type} is the
     * element type, {@code min}/{@code max} its limits. MEMORY: limits in pages, {@code flag}
     * shared. GLOBAL: {@code type} the value type, {@code flag} mutable.
     */
    public record Import(String module, String name, Kind kind, String type, long min, long max, boolean flag) {}

    public record Export(String name, Kind kind, int index) {}

    /** A function: its signature, the index of the class that holds it (-1: imported), its name in the name section or null. */
    public record Function(String signature, int codeClass, String name) {}

    /** {@code max} is 65536 when the module declares none. */
    public record MemoryType(long min, long max, boolean shared) {}

    /** {@code max} is 2^32 - 1 when the module declares none; {@code init} may be null (null references). */
    public record TableType(char elementType, long min, long max, ConstExpr init) {}

    /** {@code init} is null for an imported global; {@code cell}: kept in a shared {@link Global}. */
    public record GlobalType(char type, boolean mutable, ConstExpr init, boolean cell) {}

    /** A data segment: active (at {@code offset} in {@code memory}) or passive. */
    public record Data(boolean active, int memory, ConstExpr offset, byte[] bytes) {}

    public static final int ELEM_ACTIVE = 0;
    public static final int ELEM_PASSIVE = 1;
    public static final int ELEM_DECLARATIVE = 2;

    /** An element segment: its items are constant expressions (usually ref.func N). */
    public record Elem(int mode, int table, ConstExpr offset, char type, List<ConstExpr> items) {}

    /**
     * A constant expression, as pairs (opcode, operand) in {@code code}: the wasm opcodes of
     * {@link ConstExpr#I32_CONST} and friends.
     */
    public record ConstExpr(long[] code) {
        public static final int I32_CONST = 0x41;
        public static final int I64_CONST = 0x42;
        public static final int F32_CONST = 0x43;
        public static final int F64_CONST = 0x44;
        public static final int GLOBAL_GET = 0x23;
        public static final int REF_NULL = 0xD0;
        public static final int REF_FUNC = 0xD2;
        public static final int I32_ADD = 0x6A;
        public static final int I32_SUB = 0x6B;
        public static final int I32_MUL = 0x6C;
        public static final int I64_ADD = 0x7C;
        public static final int I64_SUB = 0x7D;
        public static final int I64_MUL = 0x7E;
        /** v128.const: this pair holds the low half, the next pair (V128_HIGH) the high half. */
        public static final int V128_CONST = 0xFD0C;
        public static final int V128_HIGH = -1;

        /** The function index when this is exactly {@code ref.func N}, else -1. */
        public int refFunc() {
            return code.length == 2 && code[0] == REF_FUNC ? (int) code[1] : -1;
        }
    }

    // ---- serialisation -------------------------------------------------------------------

    private static final int FORMAT = 1;

    public byte[] toBytes() {
        try {
            var bytes = new ByteArrayOutputStream();
            var out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            writeString(out, instanceClass);
            writeStrings(out, codeClasses);
            out.writeInt(imports.size());
            for (Import i : imports) {
                writeString(out, i.module);
                writeString(out, i.name);
                out.writeByte(i.kind.ordinal());
                writeString(out, i.type);
                out.writeLong(i.min);
                out.writeLong(i.max);
                out.writeBoolean(i.flag);
            }
            out.writeInt(functions.size());
            for (Function f : functions) {
                writeString(out, f.signature);
                out.writeInt(f.codeClass);
                writeNullable(out, f.name);
            }
            out.writeInt(memories.size());
            for (MemoryType m : memories) {
                out.writeLong(m.min);
                out.writeLong(m.max);
                out.writeBoolean(m.shared);
            }
            out.writeInt(tables.size());
            for (TableType t : tables) {
                out.writeChar(t.elementType);
                out.writeLong(t.min);
                out.writeLong(t.max);
                writeExpr(out, t.init);
            }
            out.writeInt(globals.size());
            for (GlobalType g : globals) {
                out.writeChar(g.type);
                out.writeBoolean(g.mutable);
                writeExpr(out, g.init);
                out.writeBoolean(g.cell);
            }
            writeStrings(out, tags);
            out.writeInt(exports.size());
            for (Export e : exports) {
                writeString(out, e.name);
                out.writeByte(e.kind.ordinal());
                out.writeInt(e.index);
            }
            out.writeInt(data.size());
            for (Data d : data) {
                out.writeBoolean(d.active);
                out.writeInt(d.memory);
                writeExpr(out, d.offset);
                out.writeInt(d.bytes.length);
                out.write(d.bytes);
            }
            out.writeInt(elements.size());
            for (Elem e : elements) {
                out.writeByte(e.mode);
                out.writeInt(e.table);
                writeExpr(out, e.offset);
                out.writeChar(e.type);
                out.writeInt(e.items.size());
                for (ConstExpr c : e.items) writeExpr(out, c);
            }
            out.writeInt(start);
            out.writeInt(branchTables.size());
            for (int[] t : branchTables) {
                out.writeInt(t.length);
                for (int v : t) out.writeInt(v);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #toBytes} wrote. Errors: IOException for anything else. */
    public static ModuleShape fromBytes(byte[] bytes) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != FORMAT) throw new IOException("unknown module shape format");
        String instanceClass = readString(in);
        List<String> codeClasses = readStrings(in);
        int n = count(in);
        List<Import> imports = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            imports.add(new Import(readString(in), readString(in), kind(in.readByte()), readString(in), in.readLong(), in.readLong(), in.readBoolean()));
        }
        n = count(in);
        List<Function> functions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) functions.add(new Function(readString(in), in.readInt(), readNullable(in)));
        n = count(in);
        List<MemoryType> memories = new ArrayList<>(n);
        for (int i = 0; i < n; i++) memories.add(new MemoryType(in.readLong(), in.readLong(), in.readBoolean()));
        n = count(in);
        List<TableType> tables = new ArrayList<>(n);
        for (int i = 0; i < n; i++) tables.add(new TableType(in.readChar(), in.readLong(), in.readLong(), readExpr(in)));
        n = count(in);
        List<GlobalType> globals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) globals.add(new GlobalType(in.readChar(), in.readBoolean(), readExpr(in), in.readBoolean()));
        List<String> tags = readStrings(in);
        n = count(in);
        List<Export> exports = new ArrayList<>(n);
        for (int i = 0; i < n; i++) exports.add(new Export(readString(in), kind(in.readByte()), in.readInt()));
        n = count(in);
        List<Data> data = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean active = in.readBoolean();
            int memory = in.readInt();
            ConstExpr offset = readExpr(in);
            byte[] b = new byte[count(in)];
            in.readFully(b);
            data.add(new Data(active, memory, offset, b));
        }
        n = count(in);
        List<Elem> elements = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int mode = in.readByte();
            int table = in.readInt();
            ConstExpr offset = readExpr(in);
            char type = in.readChar();
            int m = count(in);
            List<ConstExpr> items = new ArrayList<>(m);
            for (int j = 0; j < m; j++) items.add(readExpr(in));
            elements.add(new Elem(mode, table, offset, type, items));
        }
        int start = in.readInt();
        n = count(in);
        List<int[]> branchTables = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] t = new int[count(in)];
            for (int j = 0; j < t.length; j++) t[j] = in.readInt();
            branchTables.add(t);
        }
        return new ModuleShape(instanceClass, codeClasses, imports, functions, memories, tables, globals, tags, exports,
                data, elements, start, branchTables);
    }

    private static Kind kind(int ordinal) throws IOException {
        if (ordinal < 0 || ordinal >= Kind.values().length) throw new IOException("bad kind");
        return Kind.values()[ordinal];
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() + 1) throw new IOException("bad count " + n);
        return n;
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) writeString(out, s);
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = count(in);
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(readString(in));
        return list;
    }

    /** Strings as length and UTF-8 bytes (writeUTF stops at 64 KiB, and names may be longer). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) writeString(out, s);
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    private static void writeExpr(DataOutputStream out, ConstExpr e) throws IOException {
        if (e == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(e.code.length);
        for (long v : e.code) out.writeLong(v);
    }

    private static ConstExpr readExpr(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        if (n > in.available() / 8) throw new IOException("bad expression length");
        long[] code = new long[n];
        for (int i = 0; i < n; i++) code[i] = in.readLong();
        return new ConstExpr(code);
    }
}
