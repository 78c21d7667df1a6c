package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.measure.SyntheticPhoto;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore an HTTP ingest makes to measure its round trip is kept in the render cache: the asset's first large
 * request runs no model (counted by {@code iris_model_run_seconds_count}), and answers the same bytes a restore
 * made for a request gives (after a restart, when the cache is empty).
 */
class KeptRestoreTest {
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;

    @Test
    void firstRequestAfterAnHttpIngest_runsNoModel_andEqualsAColdRestore(@TempDir Path tmp) throws Exception {
        byte[] opaque, withAlpha;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            int scale = iris.firstModelScale();
            assertEquals(201, ingest(iris, "photo", IrisTestServer.fixture("photo.png"), scale));
            assertEquals(201, ingest(iris, "rgba", IrisTestServer.fixture("rgba.png"), scale));
            assertEquals(2, modelRuns(iris), "one model run per ingest");
            opaque = okBody(iris.get("/img/photo.png"));          // the original size: needs the restore
            withAlpha = okBody(iris.get("/img/rgba.png?w=" + (200 + scale)));
            assertEquals(2, modelRuns(iris), "a request after the ingest ran the model");
        }
        // Empty caches, same store, and the restored tier off (with it, the kept restores survive the restart): a
        // true cold restore to compare the kept ones with.
        try (IrisTestServer restarted = IrisTestServer.start(tmp, Map.of("assets.restoredMaxBytes", "0"))) {
            int scale = restarted.firstModelScale();
            assertArrayEquals(opaque, okBody(restarted.get("/img/photo.png")));
            assertArrayEquals(withAlpha, okBody(restarted.get("/img/rgba.png?w=" + (200 + scale))));
            assertEquals(2, modelRuns(restarted), "after a restart each first large request restores");
        }
    }

    /** An LR wider than the measuring window: the ingest restores it whole, since the source cache has room. */
    @Test
    void largerThanTheMeasuringWindow_restoredWholeAtIngest_whenTheCacheHasRoom(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            int scale = iris.firstModelScale();
            assertEquals(201, ingest(iris, "wide", wide(scale), scale));
            assertEquals(1, modelRuns(iris));
            okBody(iris.get("/img/wide.jpg"));
            assertEquals(1, modelRuns(iris), "the first request ran the model: the ingest kept no whole restore");
        }
    }

    /** The same source with a source cache too small to give it an eighth: only the window is restored. */
    @Test
    void largerThanTheMeasuringWindow_onlyTheWindow_whenTheCacheIsSmall(@TempDir Path tmp) throws Exception {
        int scale;
        try (IrisTestServer probe = IrisTestServer.start(tmp.resolve("probe"), Map.of())) {
            scale = probe.firstModelScale();
        }
        byte[] source = wide(scale);
        long restoredBytes = 3L * 1100 * scale * 100 * scale;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of(
                "cache.sourceMaxBytes", Long.toString(restoredBytes * 8 - 1)))) {
            assertEquals(201, ingest(iris, "wide", source, scale));
            assertEquals(1, modelRuns(iris));
            okBody(iris.get("/img/wide.jpg"));
            assertEquals(2, modelRuns(iris), "the first large request should have restored the image");
        }
    }

    /** A source whose LR is 1100x100, wider than the 1024-pixel window the round trip is measured on. */
    private static byte[] wide(int scale) {
        return Encoder.encode(SyntheticPhoto.of(1100 * scale, 100 * scale), ImageFormat.PNG, 100);
    }

    /** PUTs {@code source} and returns the status, once the ingest is stored (the PUT waits up to 30 s). */
    private static int ingest(IrisTestServer iris, String name, byte[] source, int scale) {
        HttpResponse<byte[]> put = iris.put("/iris/assets/" + name + "?scale=" + scale, source, "Authorization", AUTH);
        return put.statusCode();
    }

    private static byte[] okBody(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        return response.body();
    }

    /** Model runs so far (ingests and restores), summed over the outcomes of {@code iris_model_run_seconds}. */
    static long modelRuns(IrisTestServer iris) {
        return new String(iris.get("/iris/metrics").body()).lines()
                .filter(l -> l.startsWith("iris_model_run_seconds_count"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
