package dev.arca.fs.encfs;

import dev.arca.abi.ErrnoException;

/**
 * What Arca knows, outside the volume itself, about how fresh a volume must be: the newest
 * version it has committed. A volume offered with an older version is a rollback and is refused.
 * The guarantee is exactly as strong as the place this version is kept: {@link LocalFreshness}
 * keeps it in a sealed file on this host (defeated by a host that rolls that file back too); the
 * cluster keeps it in a replicated counter (a later issue).
 */
public interface Freshness {
    /** The newest version known for the volume, or -1 if none (first sight). */
    long known(byte[] volumeId) throws ErrnoException;

    /** Records that {@code version} is committed. Called after the superblock is durable. */
    void advance(byte[] volumeId, long version) throws ErrnoException;

    /** Keeps versions in memory only: protects one mount, nothing across restarts. */
    static Freshness inMemory() {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        return new Freshness() {
            @Override
            public synchronized long known(byte[] id) {
                return m.getOrDefault(java.util.HexFormat.of().formatHex(id), -1L);
            }

            @Override
            public synchronized void advance(byte[] id, long v) {
                m.merge(java.util.HexFormat.of().formatHex(id), v, Math::max);
            }
        };
    }
}
