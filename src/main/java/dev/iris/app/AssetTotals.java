package dev.iris.app;

import dev.iris.asset.AssetException;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the asset store holds in bytes, summed over every asset's metadata, for {@code /iris/health} and the
 * {@code iris_assets_*} gauges. Thread-safe; one per {@link IrisApp}.
 *
 * <p>Counting lists the store (a metadata check per asset, a request each on an object store), so a count is
 * reused for {@link #MAX_AGE}: a scrape every few seconds costs one listing per interval, and the figures may lag
 * a put by that long. Assets whose metadata predates byte counts are counted apart, as unknown, not as zero.
 */
final class AssetTotals {
    private static final System.Logger LOG = System.getLogger(AssetTotals.class.getName());
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    /**
     * One count.
     *
     * @param storedBytes   sum over the assets that record it (payloads plus metadata)
     * @param sourceBytes   sum of the uploads' sizes over the assets that record it
     * @param storedUnknown assets without {@code storedBytes} (stored before iris counted them)
     * @param sourceUnknown assets without {@code sourceBytes} (stored before iris counted them)
     */
    record Totals(int assets, long storedBytes, long sourceBytes, int storedUnknown, int sourceUnknown) {
        static Totals of(List<AssetMeta> metas) {
            long stored = 0, source = 0;
            int storedUnknown = 0, sourceUnknown = 0;
            for (AssetMeta meta : metas) {
                if (meta.storedBytes().isPresent()) {
                    stored += meta.storedBytes().getAsLong();
                } else {
                    storedUnknown++;
                }
                if (meta.sourceBytes().isPresent()) {
                    source += meta.sourceBytes().getAsLong();
                } else {
                    sourceUnknown++;
                }
            }
            return new Totals(metas.size(), stored, source, storedUnknown, sourceUnknown);
        }

        Map<String, Object> report() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("count", assets);
            out.put("storedBytes", storedBytes);
            out.put("sourceBytes", sourceBytes);
            out.put("storedBytesUnknown", storedUnknown);
            out.put("sourceBytesUnknown", sourceUnknown);
            return out;
        }
    }

    private final AssetStore store;
    private final LongSupplier nanoTime;
    private Totals last;
    private long countedAt;

    AssetTotals(AssetStore store, LongSupplier nanoTime) {
        this.store = store;
        this.nanoTime = nanoTime;
    }

    /** The latest count, recounted when older than {@link #MAX_AGE}; the previous one if the store cannot be listed. */
    synchronized Totals current() {
        long now = nanoTime.getAsLong();
        if (last == null || now - countedAt >= MAX_AGE.toNanos()) {
            try {
                last = Totals.of(store.list());
                countedAt = now;
            } catch (AssetException e) {
                LOG.log(Level.WARNING, "cannot count the asset store: {0}", e.getMessage());
                if (last == null) {
                    return new Totals(0, 0, 0, 0, 0);
                }
            }
        }
        return last;
    }

    void bindTo(MeterRegistry registry) {
        Gauge.builder("iris.assets", this, t -> t.current().assets())
                .description("assets in the store").register(registry);
        Gauge.builder("iris.assets.stored", this, t -> t.current().storedBytes()).baseUnit("bytes")
                .description("bytes stored for the assets that record it (payloads and metadata)").register(registry);
        Gauge.builder("iris.assets.source", this, t -> t.current().sourceBytes()).baseUnit("bytes")
                .description("bytes of the uploads the assets were made from, where recorded").register(registry);
        Gauge.builder("iris.assets.unknown", this, t -> t.current().storedUnknown()).tag("bytes", "stored")
                .description("assets whose metadata predates the byte count").register(registry);
        Gauge.builder("iris.assets.unknown", this, t -> t.current().sourceUnknown()).tag("bytes", "source")
                .description("assets whose metadata predates the byte count").register(registry);
    }
}
