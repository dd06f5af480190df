package dev.arca.kernel.net;

/**
 * The options a guest set on a socket (docs/sockets.md, "Options"). Those that reach the host
 * (buffer sizes, Nagle, keep-alive, linger, address reuse) are applied to the host socket when
 * there is one, at connect or accept and whenever the guest sets them after
 * ({@link Socket#optionsChanged}); an accepted connection starts with its listener's; the rest
 * are kept and reported back. Guarded by the owning socket's monitor.
 */
public final class SocketOptions {
    public boolean reuseAddress;
    public boolean reusePort;
    public boolean keepAlive;
    public boolean noDelay;
    public boolean broadcast;
    public boolean v6only;
    /** SO_LINGER: -1 off, else the linger time in seconds (0: reset on close). */
    public int linger = -1;
    public int sendBuffer = Socket.DEFAULT_BUFFER;
    public int receiveBuffer = Socket.DEFAULT_BUFFER;
    public int receiveLowWater = 1;
    /** SO_RCVTIMEO, SO_SNDTIMEO in nanoseconds; 0 waits forever. */
    public long receiveTimeout;
    public long sendTimeout;
    public int keepIdle = 7200, keepInterval = 75, keepCount = 9;
    public int deferAccept;
    public int tos;
    public int ttl = 64;
}
