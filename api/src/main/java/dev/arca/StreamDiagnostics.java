package dev.arca;

import dev.arca.abi.DiagnosticSink;
import dev.arca.abi.LineSink;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** {@link Diagnostics#text} and {@link Diagnostics#jsonLines}: the lower layers' one formatter, on a stream. */
final class StreamDiagnostics implements Diagnostics {
    private final LineSink sink;
    private final Set<Diagnostic.Kind> kinds;

    StreamDiagnostics(OutputStream out, Set<Diagnostic.Kind> kinds, boolean json) {
        Objects.requireNonNull(out, "out");
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Diagnostic.Kind.class) : EnumSet.copyOf(kinds);
        Set<DiagnosticSink.Kind> internal = EnumSet.noneOf(DiagnosticSink.Kind.class);
        for (Diagnostic.Kind k : this.kinds) internal.add(Sinks.internal(k));
        this.sink = json ? DiagnosticSink.jsonLines(out, internal, System::currentTimeMillis) : DiagnosticSink.text(out, internal);
    }

    @Override
    public void report(Diagnostic d) {
        sink.emitAt(Sinks.internal(d.kind()), d.message(), d.cause(), d.time().toEpochMilli());
    }

    @Override
    public boolean wants(Diagnostic.Kind kind) {
        return kinds.contains(kind);
    }
}
