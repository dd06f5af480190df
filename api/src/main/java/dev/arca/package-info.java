/**
 * Arca's Java API: run {@code wasm32-wasi} programs as isolated processes inside this JVM, without
 * the {@code arca} command (which is itself built on this package).
 *
 * <p>An {@link dev.arca.Instance} is made from an {@link dev.arca.InstanceConfig}: a {@link
 * dev.arca.Program}, its arguments and environment, {@link dev.arca.Mount}s (host directories,
 * in-memory file systems, encrypted volumes keyed by a {@link dev.arca.VolumeKey}, images),
 * {@link dev.arca.Limits}, standard streams, and a sink for {@link dev.arca.Diagnostics}. A
 * {@link dev.arca.Manifest} ({@code arca.json}) fills the same builder. {@link
 * dev.arca.Instance#run} runs the program and returns its {@link dev.arca.ExitStatus}; {@link
 * dev.arca.Instance#start} and {@link dev.arca.Instance#spawn} start {@link dev.arca.GuestProcess}es
 * without waiting; {@link dev.arca.Instance#close} stops them, commits the volumes and releases
 * every host descriptor.
 *
 * <pre>{@code
 * InstanceConfig config = InstanceConfig.builder()
 *         .program(Program.file(Path.of("app.wasm"))).args("--fast")
 *         .mount(Mount.hostDirectoryReadOnly(Path.of("data"), "/data"))
 *         .mount(Mount.volume(Path.of("state.vol"), "/state", VolumeKey.of(key)))
 *         .limits(Limits.builder().memory(256L << 20).cpuTime(Duration.ofSeconds(10)).build())
 *         .stdout(System.out).stderr(System.err)
 *         .build();
 * try (Instance instance = Instance.create(config)) {
 *     ExitStatus status = instance.run();
 * }
 * }</pre>
 *
 * <p><b>Values and errors.</b> Configuration types are immutable values made with builders, whose
 * setters refuse a bad value at once with an IllegalArgumentException. What cannot be done is an
 * {@link dev.arca.ArcaException} (one subclass per cause, one line each, no stack trace): a bad
 * manifest, an unreadable or invalid program, a mount that cannot be made, an unusable
 * directory, a limit reached. Using an instance after {@code close} is an IllegalStateException.
 *
 * <p><b>Stability.</b> The public types of this package are the API. Everything else on the class
 * path ({@code dev.arca.kernel}, {@code dev.arca.syscall}, ...) is Arca's inside and may change.
 */
package dev.arca;
