package dev.iris.asset;

import dev.iris.image.Rgb8Image;
import java.util.Optional;

/** The tier switched off ({@code assets.restoredMaxBytes=0}). Stateless. */
final class NoRestoredTier implements RestoredTier {
    static final NoRestoredTier INSTANCE = new NoRestoredTier();

    private NoRestoredTier() {}

    @Override
    public Optional<Rgb8Image> find(AssetMeta meta) {
        return Optional.empty();
    }

    @Override
    public void offer(AssetMeta meta, Rgb8Image restored) {
        // nothing kept
    }

    @Override
    public Stats stats() {
        return new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
        // nothing held
    }
}
