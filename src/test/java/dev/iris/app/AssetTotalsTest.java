package dev.iris.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetStore;
import dev.iris.asset.BlobStore;
import dev.iris.asset.LrCodec;
import dev.iris.image.Rgb8Image;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's byte totals over a real store holding both old (uncounted) and new assets. */
class AssetTotalsTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void current_sumsWhatTheMetadataRecords_andCountsOldAssetsAsUnknown() throws IOException {
        copyOldStore(); // cat and dog, written before byte counts
        AssetStore store = AssetStore.of(BlobStore.directory(dir), LrCodec.webp());
        AssetMeta bird = store.put(draft("bird", 1234), image(20, 16, 1));
        AssetTotals totals = new AssetTotals(store, nanos::get);
        assertEquals(new AssetTotals.Totals(3, bird.storedBytes().getAsLong(), 1234, 2, 2), totals.current());
        assertEquals(diskBytes("bird."), bird.storedBytes().getAsLong());
    }

    @Test
    void current_recountsOnlyOnceItIsOlderThanItsMaxAge() {
        AssetStore store = AssetStore.of(BlobStore.directory(dir), LrCodec.webp());
        AssetTotals totals = new AssetTotals(store, nanos::get);
        assertEquals(0, totals.current().assets());
        store.put(draft("bird", 10), image(20, 16, 1));
        nanos.addAndGet(AssetTotals.MAX_AGE.toNanos() - 1);
        assertEquals(0, totals.current().assets());
        nanos.addAndGet(1);
        assertEquals(1, totals.current().assets());
    }

    @Test
    void bindTo_exposesTheGaugesReadmeNames() {
        AssetStore store = AssetStore.of(BlobStore.directory(dir), LrCodec.webp());
        AssetMeta bird = store.put(draft("bird", 777), image(20, 16, 1));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new AssetTotals(store, nanos::get).bindTo(registry);
        String text = registry.scrape();
        assertTrue(text.contains("iris_assets 1.0"), text);
        assertTrue(text.contains("iris_assets_stored_bytes " + bird.storedBytes().getAsLong() + ".0"), text);
        assertTrue(text.contains("iris_assets_source_bytes 777.0"), text);
        assertTrue(text.contains("iris_assets_unknown{bytes=\"stored\"} 0.0"), text);
    }

    private void copyOldStore() throws IOException {
        for (String file : new String[] {"cat.2f09bd1df822ae85.alpha.png", "cat.2f09bd1df822ae85.lr.png", "cat.json",
                "dog.89a8fe3a3730a9b1.lr.png", "dog.json"}) {
            try (InputStream in = AssetTotalsTest.class.getResourceAsStream("/fixtures/asset-store-v0/" + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
    }

    private long diskBytes(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static AssetMeta draft(String name, long sourceBytes) {
        return new AssetMeta(name, "", "", 40, 32, 0, 0, 2, "model", "abc123", "def456", false,
                Instant.parse("2026-11-23T12:00:00Z"), 40.5, OptionalLong.empty(), OptionalLong.of(sourceBytes));
    }

    private static Rgb8Image image(int w, int h, long seed) {
        byte[] rgb = new byte[3 * w * h];
        new Random(seed).nextBytes(rgb);
        return Rgb8Image.opaque(w, h, rgb);
    }
}
