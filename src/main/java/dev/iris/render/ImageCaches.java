package dev.iris.render;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.iris.config.IrisConfig;
import dev.iris.image.Rgb8Image;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two byte-weighted Caffeine caches: source pixels (decoded LRs and restored HRs, keyed by asset version)
 * and encoded responses. Their statistics are published as Micrometer's standard {@code cache.*} series (tag
 * {@code cache=source|encoded}) plus {@code iris.cache.bytes}. Thread-safe.
 */
public final class ImageCaches {
    /** Which pixels of an asset version: the stored LR or the model's restore. */
    enum Kind { LR, HR }

    record SourceKey(String name, String version, Kind kind) {}

    record RenderKey(String name, String version, String canonical) {}

    final CoalescingCache<SourceKey, Rgb8Image> sources;
    final CoalescingCache<RenderKey, EncodedImage> encoded;
    private final IrisConfig.Caches config;

    /** One cache's state, for the health report. */
    public record Usage(long bytes, long maxBytes, CacheStats stats) {}

    public ImageCaches(IrisConfig.Caches config, MeterRegistry meters) {
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
        bind(meters, "source", sources.cache());
        bind(meters, "encoded", encoded.cache());
    }

    private static void bind(MeterRegistry meters, String name, Cache<?, ?> cache) {
        CaffeineCacheMetrics.monitor(meters, cache, name);
        Gauge.builder("iris.cache.bytes", cache, ImageCaches::bytesOf).tag("cache", name).baseUnit("bytes")
                .description("Bytes held by each cache").register(meters);
    }

    /** The source cache's budget, bytes. */
    long sourceMaxBytes() {
        return config.sourceMaxBytes();
    }

    /** Each cache's bytes, budget and statistics, by name; pending evictions run first, so the sizes are exact. */
    public Map<String, Usage> usage() {
        sources.cache().cleanUp();
        encoded.cache().cleanUp();
        Map<String, Usage> usage = new LinkedHashMap<>();
        usage.put("source", new Usage(bytesOf(sources.cache()), config.sourceMaxBytes(), sources.cache().stats()));
        usage.put("encoded", new Usage(bytesOf(encoded.cache()), config.encodedMaxBytes(), encoded.cache().stats()));
        return usage;
    }

    private static long bytesOf(Cache<?, ?> cache) {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}
