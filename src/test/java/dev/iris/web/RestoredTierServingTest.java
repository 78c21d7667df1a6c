package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold restore runs once per asset version, not once per process: the restored image a node makes is written to
 * the store's restored tier (here the directory store's, on disk), and a node started afterwards serves the same
 * bytes from it without running the model.
 */
class RestoredTierServingTest {
    @Test
    @Timeout(180)
    void restoreMadeBeforeARestart_isServedFromTheTier_withoutAModelRun(@TempDir Path tmp) throws Exception {
        byte[] first;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            HttpResponse<byte[]> full = iris.get("/img/photo.png");
            assertEquals(200, full.statusCode());
            first = full.body();
            assertEquals(1.0, modelRuns(iris));
            awaitMetric(iris, "iris_restored_tier_writes_total{outcome=\"stored\"}", 1.0);
        }
        try (IrisTestServer restarted = IrisTestServer.start(tmp, Map.of())) {
            HttpResponse<byte[]> full = restarted.get("/img/photo.png");
            assertEquals(200, full.statusCode());
            assertArrayEquals(first, full.body());
            String metrics = new String(restarted.get("/iris/metrics").body());
            assertEquals(0.0, modelRuns(restarted), metrics);
            assertEquals(1.0, sample(metrics, "iris_restored_tier_reads_total{result=\"hit\"}"), metrics);
        }
    }

    private static double modelRuns(IrisTestServer iris) {
        return sample(new String(iris.get("/iris/metrics").body()), "iris_model_run_seconds_count{outcome=\"ok\"}");
    }

    static void awaitMetric(IrisTestServer iris, String series, double value) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String metrics;
        do {
            metrics = new String(iris.get("/iris/metrics").body());
            if (sample(metrics, series) == value) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(series + " never reached " + value + ":\n" + metrics);
    }

    /** The value of one series in Prometheus text, 0 when absent. */
    static double sample(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip())).orElse(0.0);
    }
}
