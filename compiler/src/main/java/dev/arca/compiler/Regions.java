package dev.arca.compiler;

import com.dylibso.chicory.wasm.types.CatchOpCode;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import dev.arca.compiler.runtime.Signatures;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * How a function too large for one JVM method is split: into regions, each a run of whole
 * statements of one block body (instructions between points where that body's stack is empty),
 * outlined into a method of its own. A region gets the locals it uses through the function's
 * frame arrays, and says where to go next with an exit code: 0 to fall through, a block's id to
 * branch to it, {@link FunctionCompiler#EXIT_RETURN} to return; the values a branch carries go
 * through the frame arrays too.
 *
 * <p>Planning is bottom-up over the block tree: a body larger than the limit is cut into runs of
 * statements of at most the target size, and each run of any size becomes a region; a statement
 * larger than the target first has its nested bodies outlined whole.
 */
final class Regions {
    record OuterFrame(int kind, String params, String results, int id) {}

    /** A block that is open where a multi-entry region starts and ends inside it (its END is in the region). */
    record OpenFrame(int id) {}

    record Exit(int code, String carried) {}

    /** A region: instructions [start, end), outlined into method f<function>$<id>. */
    static final class Region {
        final int id;
        final int start;
        final int end;
        Region parent;
        int[] own = new int[0]; // locals its own code uses (not its nested regions')
        int[] all = new int[0]; // locals used anywhere in it
        int[] written = new int[0]; // locals written anywhere in it
        final List<Exit> exits = new ArrayList<>();
        boolean fallsThrough;
        List<OuterFrame> outer = List.of();
        List<OpenFrame> open = List.of(); // outermost first
        boolean inTry;
        /**
         * Where control may enter: the start, and for the case groups of a switch, the
         * instruction after the END of each open block but the outermost (see {@link #plan}).
         */
        final int[] entries;
        /** For a case group: the adjacent case groups of its switch (this one among them), called through one shared call. */
        List<Region> family;

        Region(int id, int start, int end, int[] entries) {
            this.id = id;
            this.start = start;
            this.end = end;
            this.entries = entries;
        }

        boolean multiEntry() {
            return entries.length > 1 || !open.isEmpty();
        }

        int id() {
            return id;
        }

        int start() {
            return start;
        }

        int end() {
            return end;
        }

        int[] locals() {
            return own;
        }

        int[] written() {
            return written;
        }

        List<Exit> exits() {
            return exits;
        }

        boolean fallsThrough() {
            return fallsThrough;
        }

        List<OuterFrame> outer() {
            return outer;
        }
    }

    private final List<Region> regions;
    private final java.util.Map<Long, Region> byStartAndParent = new java.util.HashMap<>();
    int[] topOwn = new int[0]; // locals the function's own method uses
    int maxCarried;
    int maxCarriedRefs;

    private Regions(List<Region> regions) {
        this.regions = regions;
        // several nested regions may start at one instruction: the parent calls the outermost,
        // which calls the next, and so on
        for (Region r : regions) byStartAndParent.put(key(r.start, r.parent), r);
    }

    private static long key(int start, Region parent) {
        return ((long) start << 32) | (parent == null ? 0 : parent.id + 1);
    }

    List<Region> all() {
        return regions;
    }

    /** The region that {@code method} (null: the function's own method) calls at instruction {@code pc}, or null. */
    Region startingAt(int pc, Region method) {
        return byStartAndParent.get(key(pc, method));
    }

    // ==== planning =======================================================================

    /** Sizes, in bytes of JVM code, that the planning estimates. */
    /** A region call: the call, locals to and from the frame, the exit dispatch (a typical one). */
    static final int REGION_CALL = 120;
    /** Runs smaller than this stay in place (a region call costs about as much); at most a quarter of the limit. */
    static final int MIN_REGION = 200;

    private static final class Body {
        final List<Stmt> stmts = new ArrayList<>();
        final int end; // index of the END or ELSE that closes it
        boolean plainBlock; // the body of a BLOCK that takes and gives nothing
        Body(int end) {
            this.end = end;
        }
        int start() {
            return stmts.isEmpty() ? end : stmts.get(0).start;
        }
        long size;
    }

    private static final class Stmt {
        final int start;
        int end; // exclusive
        boolean startsEmpty; // the body's stack is empty where it starts
        boolean clean; // ... and where it ends: it can be outlined
        boolean singleBlock; // exactly one BLOCK ... END
        long own;
        final List<Body> children = new ArrayList<>();
        long size;
        Stmt(int start) {
            this.start = start;
        }
    }

    private static final class Frame {
        final int kind;
        final String params;
        final String results;
        final int base;
        final int start; // instruction index of the block (-1: the function)
        Body body;
        Stmt openStmt; // the statement (of the enclosing body) that this block is part of
        Frame(int kind, String params, String results, int base, int start) {
            this.kind = kind;
            this.params = params;
            this.results = results;
            this.base = base;
            this.start = start;
        }
        int id() {
            return start < 0 ? FunctionCompiler.EXIT_RETURN : start + 1;
        }
        String carried() {
            return kind == FunctionCompiler.KIND_LOOP ? params : results;
        }
    }

    /**
     * Plans the split of a function whose estimated size passes {@code limit}; null when it fits
     * in one method. {@code localTypes} are the params then the declared locals.
     */
    static Regions plan(ModuleContext mod, int function, List<? extends Instruction> ins, char[] localTypes, int limit) {
        long[] est = new long[ins.size()];
        long total = 0;
        for (int i = 0; i < est.length; i++) {
            est[i] = estimate(ins.get(i), mod);
            total += est[i];
        }
        if (total + 8L * localTypes.length <= limit) return null;

        // build the block tree with statements, simulating stack heights
        Body top = tree(mod, ins, est, function);
        List<int[]> runs = new ArrayList<>();
        long target = limit * 3L / 4;
        long[] prefix = new long[est.length + 1];
        for (int i = 0; i < est.length; i++) prefix[i + 1] = prefix[i] + est[i];
        new Planner(limit, target, Math.min(MIN_REGION, limit / 4), runs, prefix).outline(top);
        if (runs.isEmpty()) return null;
        // the same run may come from two levels (a body outlined whole, and packed as one run)
        java.util.Map<String, int[]> distinct = new java.util.LinkedHashMap<>();
        for (int[] r : runs) distinct.merge(r[0] + ":" + r[1], r, (x, y) -> x.length >= y.length ? x : y);
        runs = new ArrayList<>(distinct.values());

        // regions sorted outermost first (by start, then larger first)
        runs.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
        List<Region> regions = new ArrayList<>();
        for (int[] r : runs) {
            int[] entries = new int[Math.max(1, r.length - 1)];
            entries[0] = r[0];
            for (int k = 2; k < r.length; k++) entries[k - 1] = r[k];
            regions.add(new Region(regions.size(), r[0], r[1], entries));
        }
        // runs nest (each lies in one body, or holds others whole): the parent is the innermost
        // earlier run that contains it
        java.util.ArrayDeque<Region> open = new java.util.ArrayDeque<>();
        for (Region r : regions) {
            while (!open.isEmpty() && open.peek().end <= r.start) open.pop();
            r.parent = open.isEmpty() ? null : open.peek();
            open.push(r);
        }
        Regions result = new Regions(regions);
        result.describe(mod, function, ins, localTypes);
        // adjacent case groups of one switch share one call site in their parent
        List<Region> family = null;
        for (Region r : regions) {
            if (r.open.isEmpty()) continue;
            Region last = family == null ? null : family.get(family.size() - 1);
            if (last != null && last.end == r.start && last.parent == r.parent) {
                family.add(r);
            } else {
                family = new ArrayList<>();
                family.add(r);
            }
            r.family = family;
        }
        return result;
    }

    /** Levels a chain of nested blocks needs before it is planned as a switch. */
    static final int CHAIN_MIN = 4;
    /** The parent's part of each entry of a case group: two constants and a jump. */
    static final int ENTRY_STUB = 10;
    /** The call a switch's case groups share in their parent: locals to and from the frame, the dispatch. */
    static final int FAMILY_CALL = 500;
    /** Each case group's part of it. */
    static final int GROUP_CALL = 16;
    /** Case groups a switch is cut into at most (but when they would exceed the target size). */
    static final int MAX_GROUPS = 32;

    /** Chooses the runs to outline: {start, end} for a region, then its other entries for a case group. */
    private static final class Planner {
        final long limit, target;
        final int minRegion;
        final List<int[]> runs;
        final long[] prefix; // prefix sums of the instructions' estimated sizes

        Planner(long limit, long target, int minRegion, List<int[]> runs, long[] prefix) {
            this.limit = limit;
            this.target = target;
            this.minRegion = minRegion;
            this.runs = runs;
            this.prefix = prefix;
        }

        /**
         * The nested blocks of a switch from {@code b} inwards: each body's first statement is
         * exactly one plain BLOCK whose body is the next, the innermost holding the dispatch
         * (a br_table to the blocks). The cases are what follows each block's END.
         */
        static List<Body> chain(Body b) {
            List<Body> chain = new ArrayList<>();
            Body cur = b;
            while (true) {
                chain.add(cur);
                if (cur.stmts.isEmpty()) break;
                Stmt first = cur.stmts.get(0);
                if (!first.singleBlock || !first.clean || first.children.size() != 1 || !first.children.get(0).plainBlock) break;
                cur = first.children.get(0);
            }
            return chain;
        }

        /**
         * A switch: the dispatch (innermost body) and the blocks stay where they are; the cases,
         * a few nested levels at a time, become case groups: regions that close the blocks of
         * their levels and are entered at the case a branch selects. Outlining the blocks
         * instead would put each level in a method that calls the next, and every dispatch would
         * go down through all of them.
         */
        long outlineChain(List<Body> chain) {
            int m = chain.size() - 1;
            long size = outline(chain.get(m));
            long[] tail = new long[m];
            boolean[] groupable = new boolean[m];
            for (int i = m - 1; i >= 0; i--) {
                Body level = chain.get(i);
                List<Stmt> t = level.stmts.subList(1, level.stmts.size());
                boolean clean = true;
                List<Item> items = new ArrayList<>();
                for (Stmt s : t) {
                    s.size = s.own;
                    for (Body c : s.children) s.size += outline(c);
                    clean &= s.clean;
                    items.add(new Item(s.start, s.end, s.size, s.clean && s.size <= target, false, s));
                }
                if (sum(items) > target) items = pack(items, target, minRegion);
                tail[i] = sum(items);
                groupable[i] = clean && level.plainBlock;
            }
            // a switch's groups share one call site in its parent: at most MAX_GROUPS of them,
            // larger when the method size limit is small (a group is split inside as needed)
            long groupableSize = 0;
            for (int k = 0; k < m; k++) if (groupable[k]) groupableSize += tail[k];
            long groupTarget = Math.max(target, groupableSize / MAX_GROUPS);
            int i = m - 1;
            int groups = 0;
            while (i >= 0) {
                if (!groupable[i]) {
                    groups = 0; // the next group starts a family of its own
                    size += tail[i];
                    i--;
                    continue;
                }
                int q = i, p = i;
                long sum = 0;
                while (p >= 0 && groupable[p] && (p == q || sum + tail[p] <= groupTarget)) sum += tail[p--];
                int outer = p + 1;
                if (sum > minRegion) {
                    // {start, end, entries after the start}: the start is after the END of the
                    // block whose body is chain[q + 1]; each further entry is after the END of
                    // the block whose body is chain[k], k = q .. outer + 1
                    int[] run = new int[2 + (q - outer)];
                    run[0] = chain.get(q + 1).end + 1;
                    // the outermost level's END stays outside: that block is the body's own
                    run[1] = outer == 0 ? chain.get(0).end : chain.get(outer).end + 1;
                    for (int k = q; k > outer; k--) run[2 + (q - k)] = chain.get(k).end + 1;
                    runs.add(run);
                    size += (groups++ == 0 ? FAMILY_CALL : 0) + GROUP_CALL + (long) ENTRY_STUB * (q - outer + 1);
                } else {
                    size += sum;
                    groups = 0;
                }
                i = p;
            }
            return size;
        }

        /**
         * Outlines in body {@code b} (and below) so that its size fits; records runs as {start, end}.
         * Bottom-up: the nested bodies first. Then, when the body is too large, runs of its other
         * statements are outlined first, keeping in place a statement that dominates the body's size:
         * that one holds nested blocks, the skeleton of a switch (a br_table's blocks) whose cases
         * come after each block's end, and outlining it whole would make each level of the skeleton
         * a method that calls the next. Only when that is not enough are the nested bodies of the
         * largest statements outlined whole.
         */
        long outline(Body b) {
            List<Body> chain = chain(b);
            if (chain.size() > CHAIN_MIN && prefix[b.end] - prefix[b.start()] > limit) {
                b.size = outlineChain(chain);
                return b.size;
            }
            for (Stmt s : b.stmts) {
                s.size = s.own;
                for (Body c : s.children) s.size += outline(c);
            }
            long total = 0;
            Stmt dominant = null;
            for (Stmt s : b.stmts) {
                total += s.size;
                if (dominant == null || s.size > dominant.size) dominant = s;
            }
            if (total <= limit) {
                b.size = total;
                return total;
            }
            if (dominant != null && dominant.size * 2 < total) dominant = null;
            // pack the clean statements (but the dominant one) into runs of at most the target size
            List<Item> items = new ArrayList<>();
            for (Stmt s : b.stmts) items.add(new Item(s.start, s.end, s.size, s.clean && s != dominant && s.size <= target, false, s));
            items = pack(items, target, minRegion);
            long size = sum(items);
            // still too large: outline the nested bodies of the largest statements whole, the
            // dominant one last
            if (size > limit) {
                List<Stmt> big = new ArrayList<>(b.stmts);
                Stmt last = dominant;
                big.sort((x, y) -> x == last ? 1 : y == last ? -1 : Long.compare(y.size, x.size));
                for (Stmt s : big) {
                    if (size <= limit) break;
                    if (s.children.isEmpty() || (s.clean && s != dominant && s.size <= target)) continue;
                    for (Body c : s.children) {
                        if (c.size > minRegion && !c.stmts.isEmpty() && c.stmts.stream().allMatch(x -> x.clean)) {
                            runs.add(new int[] {c.start(), c.stmts.get(c.stmts.size() - 1).end});
                            size -= c.size - REGION_CALL;
                            s.size -= c.size - REGION_CALL;
                        }
                    }
                }
                for (int k = 0; k < items.size(); k++) {
                    Item it = items.get(k);
                    if (it.stmt() != null) items.set(k, new Item(it.start(), it.end(), it.stmt().size, it.stmt().clean && it.stmt() != dominant, false, it.stmt()));
                }
            }
            // still too large (a long run of statements): group the region calls and what is left
            // into regions of their own, a level at a time, until it fits
            long cap = Math.max(target, 2L * REGION_CALL);
            while (size > limit) {
                int before = items.size();
                for (int k = 0; k < items.size(); k++) {
                    Item it = items.get(k);
                    if (it.stmt() != null && it.stmt() == dominant) items.set(k, new Item(it.start(), it.end(), it.size(), false, false, it.stmt()));
                }
                items = pack(items, cap, 0);
                size = sum(items);
                if (items.size() >= before) break;
            }
            b.size = size;
            return size;
        }

        /** A statement of a body, or a run of them already outlined (a region call). */
        private record Item(int start, int end, long size, boolean packable, boolean region, Stmt stmt) {}

        private static long sum(List<Item> items) {
            long size = 0;
            for (Item it : items) size += it.size();
            return size;
        }

        /**
         * Packs consecutive packable items into runs of at most {@code cap} (larger than {@code
         * minSize}, and of two items at least when they are region calls already), records each as
         * a region, and returns the items with each run as one region call.
         */
        private List<Item> pack(List<Item> items, long cap, long minSize) {
            List<Item> out = new ArrayList<>();
            int i = 0;
            while (i < items.size()) {
                Item it = items.get(i);
                if (!it.packable()) {
                    out.add(it);
                    i++;
                    continue;
                }
                int j = i;
                long run = 0;
                while (j < items.size() && items.get(j).packable() && (j == i || run + items.get(j).size() <= cap)) {
                    run += items.get(j).size();
                    j++;
                }
                boolean worth = run > minSize && !(j == i + 1 && it.region());
                if (worth) {
                    runs.add(new int[] {it.start(), items.get(j - 1).end()});
                    out.add(new Item(it.start(), items.get(j - 1).end(), REGION_CALL, true, true, null));
                } else {
                    for (int k = i; k < j; k++) out.add(items.get(k));
                }
                i = j;
            }
            return out;
        }
    }

    /** For each block instruction, the index of its END; for an IF, elseAt gets its ELSE (or END). */
    private static int[][] matching(List<? extends Instruction> ins) {
        int n = ins.size();
        int[] end = new int[n], elseAt = new int[n];
        int[] stack = new int[16];
        int sp = 0;
        for (int i = 0; i < n; i++) {
            switch (ins.get(i).opcode()) {
                case BLOCK, LOOP, IF, TRY_TABLE -> {
                    if (sp == stack.length) stack = java.util.Arrays.copyOf(stack, sp * 2);
                    stack[sp++] = i;
                    elseAt[i] = -1;
                }
                case ELSE -> {
                    if (sp > 0) elseAt[stack[sp - 1]] = i;
                }
                case END -> {
                    if (sp > 0) {
                        int b = stack[--sp];
                        end[b] = i;
                        if (elseAt[b] < 0) elseAt[b] = i;
                    }
                }
                default -> {}
            }
        }
        return new int[][] {end, elseAt};
    }

    private static Body tree(ModuleContext mod, List<? extends Instruction> ins, long[] est, int function) {
        int[][] m = matching(ins);
        int[] blockEnd = m[0], blockElse = m[1];
        List<Frame> frames = new ArrayList<>();
        String results = Signatures.results(mod.functionSignatures[function]);
        Frame fn = new Frame(FunctionCompiler.KIND_FUNCTION, "", results, 0, -1);
        fn.body = new Body(ins.size() - 1);
        frames.add(fn);
        int height = 0;
        boolean reachable = true;
        Stmt stmt = null;
        for (int i = 0; i < ins.size(); i++) {
            Instruction in = ins.get(i);
            OpCode op = in.opcode();
            Frame f = frames.get(frames.size() - 1);
            if (op == OpCode.END || op == OpCode.ELSE) {
                if (stmt != null) {
                    stmt.end = i;
                    // one that ends in dead code leaves nothing behind
                    stmt.clean = stmt.startsEmpty && !reachable;
                }
                // close the body
                if (op == OpCode.ELSE) {
                    Body els = new Body(blockEnd[f.start]);
                    f.openStmt.children.add(els);
                    f.body = els;
                    height = f.base + f.params.length();
                    reachable = true;
                    stmt = null;
                    continue;
                }
                frames.remove(frames.size() - 1);
                if (frames.isEmpty()) break;
                Frame outer = frames.get(frames.size() - 1);
                height = f.base + f.results.length();
                reachable = true; // conservatively: a block's end may be a branch target
                stmt = f.openStmt;
                stmt.own += est[i];
                if (height == outer.base) {
                    stmt.end = i + 1;
                    stmt.clean = stmt.startsEmpty;
                    stmt = null;
                } else {
                    stmt.singleBlock = false; // the statement goes on after the block
                }
                continue;
            }
            if (stmt == null) {
                stmt = new Stmt(i);
                stmt.startsEmpty = height == f.base && reachable;
                f.body.stmts.add(stmt);
            } else {
                stmt.singleBlock = false; // more than the block
            }
            stmt.own += est[i];
            if (!reachable) {
                if (op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF || op == OpCode.TRY_TABLE) {
                    // a dead block: skip it whole
                    int end = blockEnd[i];
                    for (int k = i + 1; k <= end; k++) stmt.own += est[k];
                    i = end;
                }
                continue;
            }
            switch (op) {
                case BLOCK, LOOP, IF, TRY_TABLE -> {
                    String[] bt = blockType(in, mod);
                    height -= op == OpCode.IF ? 1 : 0;
                    int kind = switch (op) {
                        case BLOCK -> FunctionCompiler.KIND_BLOCK;
                        case LOOP -> FunctionCompiler.KIND_LOOP;
                        case IF -> FunctionCompiler.KIND_IF;
                        default -> FunctionCompiler.KIND_TRY;
                    };
                    Frame nf = new Frame(kind, bt[0], bt[1], height - bt[0].length(), i);
                    nf.openStmt = stmt;
                    nf.body = new Body(op == OpCode.IF ? blockElse[i] : blockEnd[i]);
                    nf.body.plainBlock = op == OpCode.BLOCK && bt[0].isEmpty() && bt[1].isEmpty();
                    if (stmt.start == i && nf.body.plainBlock) stmt.singleBlock = true;
                    stmt.children.add(nf.body);
                    frames.add(nf);
                    stmt = null;
                    continue;
                }
                case BR, BR_TABLE, RETURN, UNREACHABLE, THROW, THROW_REF, RETURN_CALL, RETURN_CALL_INDIRECT, RETURN_CALL_REF -> {
                    reachable = false;
                    continue;
                }
                default -> {}
            }
            int[] effect = effect(in, mod, frames);
            height += effect[1] - effect[0];
            if (height == f.base) {
                stmt.end = i + 1;
                stmt.clean = stmt.startsEmpty;
                stmt = null;
            }
        }
        return fn.body;
    }

    static String[] blockType(Instruction in, ModuleContext mod) {
        long t = in.operand(0);
        if (t == 0x40) return new String[] {"", ""};
        if (ValType.isValid(t)) return new String[] {"", String.valueOf(ValueTypes.letter(ValType.builder().fromId(t).build(), null))};
        String sig = mod.typeSignatures[(int) t];
        return new String[] {Signatures.params(sig), Signatures.results(sig)};
    }

    /** {pops, pushes} of an instruction that does not end or open a block. */
    private static int[] effect(Instruction in, ModuleContext mod, List<Frame> frames) {
        OpCode op = in.opcode();
        int c = op.opcode();
        switch (op) {
            case NOP, ELEM_DROP, DATA_DROP -> { return new int[] {0, 0}; }
            case BR_IF -> { return new int[] {1, 0}; }
            case BR_ON_NULL -> { return new int[] {1, 1}; }
            case BR_ON_NON_NULL -> { return new int[] {1, 0}; }
            case CALL -> {
                String sig = mod.functionSignatures[(int) in.operand(0)];
                return new int[] {Signatures.params(sig).length(), Signatures.results(sig).length()};
            }
            case CALL_INDIRECT, CALL_REF -> {
                String sig = mod.typeSignatures[(int) in.operand(0)];
                return new int[] {Signatures.params(sig).length() + 1, Signatures.results(sig).length()};
            }
            case DROP, LOCAL_SET, GLOBAL_SET -> { return new int[] {1, 0}; }
            case SELECT, SELECT_T -> { return new int[] {3, 1}; }
            case LOCAL_GET, GLOBAL_GET, I32_CONST, I64_CONST, F32_CONST, F64_CONST, REF_NULL, REF_FUNC, MEMORY_SIZE, TABLE_SIZE -> {
                return new int[] {0, 1};
            }
            case LOCAL_TEE, REF_IS_NULL, REF_AS_NON_NULL, MEMORY_GROW, TABLE_GET -> { return new int[] {1, 1}; }
            case TABLE_SET -> { return new int[] {2, 0}; }
            case TABLE_GROW -> { return new int[] {2, 1}; }
            case TABLE_FILL, TABLE_COPY, TABLE_INIT, MEMORY_FILL, MEMORY_COPY, MEMORY_INIT -> { return new int[] {3, 0}; }
            default -> {}
        }
        if (c >= 0x28 && c <= 0x35) return new int[] {1, 1}; // loads
        if (c >= 0x36 && c <= 0x3E) return new int[] {2, 0}; // stores
        if (c == 0x45 || c == 0x50) return new int[] {1, 1}; // eqz
        if (c >= 0x46 && c <= 0x66) return new int[] {2, 1}; // comparisons
        if ((c >= 0x67 && c <= 0x69) || (c >= 0x79 && c <= 0x7B) || (c >= 0x8B && c <= 0x91) || (c >= 0x99 && c <= 0x9F)) {
            return new int[] {1, 1};
        }
        if (c >= 0x6A && c <= 0xA6) return new int[] {2, 1};
        if (c >= 0xA7 && c <= 0xC4) return new int[] {1, 1};
        if (c >= 0xFC00 && c <= 0xFC07) return new int[] {1, 1};
        if (c >= 0xFE00 && c <= 0xFEFF) return atomicEffect(op);
        // anything else is translated (or refused) by FunctionCompiler; assume a statement
        return new int[] {0, 0};
    }

    /** {pops, pushes} of a threads-proposal instruction (0xFE prefix). */
    static int[] atomicEffect(OpCode op) {
        String name = op.name();
        if (op == OpCode.ATOMIC_FENCE) return new int[] {0, 0};
        if (op == OpCode.MEM_ATOMIC_NOTIFY) return new int[] {2, 1};
        if (op == OpCode.MEM_ATOMIC_WAIT32 || op == OpCode.MEM_ATOMIC_WAIT64) return new int[] {3, 1};
        if (name.contains("_LOAD")) return new int[] {1, 1};
        if (name.contains("_STORE")) return new int[] {2, 0};
        if (name.contains("CMPXCHG")) return new int[] {3, 1};
        return new int[] {2, 1}; // the other read-modify-writes
    }

    /** Bytes of JVM code an instruction becomes, roughly (calibrated on SQLite's functions). */
    static long estimate(Instruction in, ModuleContext mod) {
        OpCode op = in.opcode();
        int c = op.opcode();
        switch (op) {
            case NOP, END, ELSE, BLOCK -> { return 0; }
            case LOCAL_GET, LOCAL_SET, I32_CONST, F32_CONST, I64_CONST, F64_CONST, RETURN, DROP -> { return 2; }
            case LOCAL_TEE, GLOBAL_GET -> { return 4; }
            case GLOBAL_SET, IF, BR, BR_IF -> { return 5; }
            case LOOP -> { return 12; }
            case BR_TABLE -> { return 16 + 4L * Math.min(in.operandCount(), 1025); }
            case SELECT, SELECT_T -> { return 8; }
            case CALL -> { return 10; }
            case CALL_REF -> { return 18; }
            case CALL_INDIRECT -> {
                // with few functions of its signature, a switch and a direct call of each (FunctionCompiler.callIndirect)
                int[] direct = mod.indirectCandidates.get(mod.typeSignatures[(int) in.operand(0)]);
                return direct == null ? 18 : 40 + 16L * direct.length;
            }
            case TRY_TABLE -> { return 40 + 30L * (in.operandCount() / 2); }
            case THROW -> { return 20 + 12L * Signatures.params(mod.tagSignatures[(int) in.operand(0)]).length(); }
            default -> {}
        }
        if (c >= 0x28 && c <= 0x35) return 13; // loads
        if (c >= 0x36 && c <= 0x3E) return 16; // stores
        if (c >= 0x45 && c <= 0x66) return 6; // comparisons
        if (c >= 0xFE00 && c <= 0xFEFF) return 12; // atomics: a call of Atomics with the memory and offset
        return 3;
    }

    // ==== what each region needs ========================================================

    private int[] blockEnd;

    private void describe(ModuleContext mod, int function, List<? extends Instruction> ins, char[] localTypes) {
        int n = ins.size();
        blockEnd = matching(ins)[0];
        // innermost region of each instruction
        Region[] at = new Region[n];
        List<Region> bySize = new ArrayList<>(regions);
        bySize.sort((a, b) -> Integer.compare(b.end - b.start, a.end - a.start));
        for (Region r : bySize) for (int i = r.start; i < r.end; i++) at[i] = r;

        List<TreeSet<Integer>> own = new ArrayList<>(), all = new ArrayList<>(), written = new ArrayList<>();
        for (int k = 0; k < regions.size(); k++) {
            own.add(new TreeSet<>());
            all.add(new TreeSet<>());
            written.add(new TreeSet<>());
        }
        TreeSet<Integer> topOwnSet = new TreeSet<>();
        BitSet exitSeen = new BitSet();
        List<Frame> frames = new ArrayList<>();
        String results = Signatures.results(mod.functionSignatures[function]);
        frames.add(new Frame(FunctionCompiler.KIND_FUNCTION, "", results, 0, -1));
        boolean reachable = true;
        int deadDepth = 0;
        List<List<Region>> startsAt = new ArrayList<>(java.util.Collections.nCopies(n + 1, null));
        List<List<Region>> endsAt = new ArrayList<>(java.util.Collections.nCopies(n + 1, null));
        for (Region r : regions) {
            if (startsAt.get(r.start) == null) startsAt.set(r.start, new ArrayList<>());
            startsAt.get(r.start).add(r);
            if (endsAt.get(r.end) == null) endsAt.set(r.end, new ArrayList<>());
            endsAt.get(r.end).add(r);
        }
        for (int i = 0; i < n; i++) {
            Instruction in = ins.get(i);
            OpCode op = in.opcode();
            if (endsAt.get(i) != null) for (Region r : endsAt.get(i)) r.fallsThrough = reachable;
            if (startsAt.get(i) != null) for (Region r : startsAt.get(i)) {
                {
                    r.outer = new ArrayList<>();
                    List<OpenFrame> open = new ArrayList<>();
                    for (Frame f : frames) {
                        if (f.start >= 0 && blockEnd[f.start] < r.end) {
                            // a case group's block: it ends inside the region
                            if (f.kind != FunctionCompiler.KIND_BLOCK || !f.params.isEmpty() || !f.results.isEmpty()) {
                                throw new IllegalStateException("a region closes a block that is not a plain one");
                            }
                            open.add(new OpenFrame(f.id()));
                            continue;
                        }
                        r.outer.add(new OuterFrame(f.kind, f.params, f.results, f.id()));
                        if (f.kind == FunctionCompiler.KIND_TRY) r.inTry = true;
                    }
                    r.open = open;
                }
            }
            if (!reachable) {
                switch (op) {
                    case BLOCK, LOOP, IF, TRY_TABLE -> {
                        deadDepth++;
                        continue;
                    }
                    case ELSE -> {
                        if (deadDepth > 0) continue;
                    }
                    case END -> {
                        if (deadDepth > 0) {
                            deadDepth--;
                            continue;
                        }
                    }
                    default -> {
                        continue;
                    }
                }
            }
            Region inner = at[i];
            switch (op) {
                case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> {
                    int l = (int) in.operand(0);
                    if (inner == null) topOwnSet.add(l);
                    else own.get(inner.id).add(l);
                    for (Region r = inner; r != null; r = r.parent) {
                        all.get(r.id).add(l);
                        if (op != OpCode.LOCAL_GET) written.get(r.id).add(l);
                    }
                }
                case BLOCK, LOOP, IF, TRY_TABLE -> {
                    String[] bt = blockType(in, mod);
                    int kind = switch (op) {
                        case BLOCK -> FunctionCompiler.KIND_BLOCK;
                        case LOOP -> FunctionCompiler.KIND_LOOP;
                        case IF -> FunctionCompiler.KIND_IF;
                        default -> FunctionCompiler.KIND_TRY;
                    };
                    if (op == OpCode.TRY_TABLE) {
                        for (CatchOpCode.Catch cat : CatchOpCode.decode(in.operands())) {
                            exit(frames, cat.label(), inner, i, exitSeen);
                        }
                    }
                    Frame f = new Frame(kind, bt[0], bt[1], 0, i);
                    if (kind == FunctionCompiler.KIND_TRY && CatchOpCode.decode(in.operands()).isEmpty()) {
                        f = new Frame(FunctionCompiler.KIND_BLOCK, bt[0], bt[1], 0, i);
                    }
                    frames.add(f);
                }
                case ELSE -> reachable = true;
                case END -> {
                    frames.remove(frames.size() - 1);
                    reachable = true;
                }
                case BR -> {
                    exit(frames, (int) in.operand(0), inner, i, exitSeen);
                    reachable = false;
                }
                case BR_IF, BR_ON_NULL, BR_ON_NON_NULL -> exit(frames, (int) in.operand(0), inner, i, exitSeen);
                case BR_TABLE -> {
                    for (int k = 0; k < in.operandCount(); k++) exit(frames, (int) in.operand(k), inner, i, exitSeen);
                    reachable = false;
                }
                case RETURN, RETURN_CALL, RETURN_CALL_INDIRECT, RETURN_CALL_REF -> {
                    for (Region r = inner; r != null; r = r.parent) addExit(r, new Exit(FunctionCompiler.EXIT_RETURN, results));
                    reachable = false;
                }
                case UNREACHABLE, THROW, THROW_REF -> reachable = false;
                default -> {}
            }
        }
        for (Region r : regions) {
            r.own = toArray(own.get(r.id));
            r.all = toArray(all.get(r.id));
            r.written = toArray(written.get(r.id));
            for (Exit e : r.exits) {
                int refs = 0;
                for (char t : e.carried().toCharArray()) if (ValueTypes.isRef(t)) refs++;
                maxCarried = Math.max(maxCarried, e.carried().length());
                maxCarriedRefs = Math.max(maxCarriedRefs, refs);
            }
        }
        topOwn = toArray(topOwnSet);
    }

    private void exit(List<Frame> frames, int depth, Region inner, int at, BitSet seen) {
        Frame target = frames.get(frames.size() - 1 - depth);
        for (Region r = inner; r != null; r = r.parent) {
            // a target outside the region: the function, or a block starting before it and
            // ending after it (a case group closes the blocks that end inside it)
            if (target.start < r.start && (target.start < 0 || blockEnd[target.start] >= r.end)) {
                addExit(r, new Exit(target.id(), target.carried()));
            }
        }
    }

    private static void addExit(Region r, Exit e) {
        for (Exit x : r.exits) if (x.code() == e.code()) return;
        r.exits.add(e);
    }

    private static int[] toArray(TreeSet<Integer> set) {
        int[] a = new int[set.size()];
        int i = 0;
        for (int v : set) a[i++] = v;
        return a;
    }
}
