package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Restored images kept in the asset store for every node to reuse: the model's full-size output for one asset
 * version (keyed by name, version and the restoring network's SHA-256), stored losslessly, so that a cold restore
 * runs once per asset version across the cluster and across restarts. Bounded in bytes; the oldest written are
 * evicted first. The renderer asks here before it runs the model and offers what the model made.
 * Implementations are thread-safe; close once, on shutdown.
 *
 * <p>It is a cache: a failure to read is a miss and a failure to write is a loss, both counted and logged, never an
 * error of the request.
 */
public interface RestoredTier extends AutoCloseable {
    /** What the tier has done since it opened, and its size at its last count. */
    record Stats(long hits, long misses, long readFailures, long stored, long dropped, long writeFailures,
            long evicted, long bytes, long maxBytes) {}

    /**
     * The restored image of {@code meta}'s version, if the tier holds it: {@code meta.width()} x
     * {@code meta.height()}, with an alpha plane exactly when {@code meta.hasAlpha()}.
     */
    Optional<Rgb8Image> find(AssetMeta meta);

    /**
     * Keeps {@code restored}, the model's output for {@code meta}'s version, for the next node that needs it. Returns
     * at once; the write happens in the background and is dropped when writes are backed up.
     */
    void offer(AssetMeta meta, Rgb8Image restored);

    Stats stats();

    @Override
    void close();

    /** No tier: every lookup misses, nothing is kept. */
    static RestoredTier none() {
        return NoRestoredTier.INSTANCE;
    }

    /** A tier of at most {@code maxBytes} as files in {@code dir} (created if missing); none when 0. */
    static RestoredTier inDirectory(Path dir, long maxBytes) {
        return maxBytes == 0 ? none() : new StoredRestoredTier(new DirectoryTierObjects(dir), maxBytes);
    }
}
