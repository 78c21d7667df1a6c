package dev.iris.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.iris.config.IrisConfig;
import dev.iris.image.Rgb8Image;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two byte-weighted Caffeine caches: source pixels (decoded LRs and restored HRs, keyed by asset version)
 * and encoded responses. Thread-safe.
 */
public final class ImageCaches {
    /** Which pixels of an asset version: the stored LR or the model's restore. */
    enum Kind { LR, HR }

    record SourceKey(String name, String version, Kind kind) {}

    record RenderKey(String name, String version, String canonical) {}

    final CoalescingCache<SourceKey, Rgb8Image> sources;
    final CoalescingCache<RenderKey, EncodedImage> encoded;
    private final IrisConfig.Caches config;

    public ImageCaches(IrisConfig.Caches config) {
        this.config = config;
        this.sources = new CoalescingCache<>(Caffeine.newBuilder()
                .maximumWeight(config.sourceMaxBytes())
                .weigher((SourceKey k, Rgb8Image v) -> (int) Math.min(Integer.MAX_VALUE, v.byteSize() + 64))
                .recordStats()
                .<SourceKey, Rgb8Image>build());
        this.encoded = new CoalescingCache<>(Caffeine.newBuilder()
                .maximumWeight(config.encodedMaxBytes())
                .weigher((RenderKey k, EncodedImage v) -> v.weight())
                .recordStats()
                .<RenderKey, EncodedImage>build());
    }

    Map<String, CacheStats> stats() {
        Map<String, CacheStats> stats = new LinkedHashMap<>();
        stats.put("source", sources.cache().stats());
        stats.put("encoded", encoded.cache().stats());
        return stats;
    }

    /** Weighted bytes held now, per cache. */
    Map<String, Long> bytes() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        bytes.put("source", weight(sources.cache()));
        bytes.put("encoded", weight(encoded.cache()));
        return bytes;
    }

    Map<String, Long> maxBytes() {
        return Map.of("source", config.sourceMaxBytes(), "encoded", config.encodedMaxBytes());
    }

    private static long weight(Cache<?, ?> cache) {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /**
     * Drops every cached source and encoded image (computations in flight finish and are cached as usual). For
     * measuring cold requests ({@code iris bench}); serving never needs it, since keys carry the asset version.
     */
    public void invalidateAll() {
        sources.cache().invalidateAll();
        encoded.cache().invalidateAll();
    }

    /** Runs pending evictions, so that sizes read right after are exact (tests, health). */
    void cleanUp() {
        sources.cache().cleanUp();
        encoded.cache().cleanUp();
    }
}
