package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model faults fail the request they hit, with 503, and nothing else. */
class FaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void timedOutModelRun_is503_andTheNextRequestWorks(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of("limits.requestTimeoutMs", "1"))) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            HttpResponse<byte[]> restore = iris.get("/img/photo.png");
            assertEquals(503, restore.statusCode());
            assertTrue(new String(restore.body()).contains("the time limit of 1 ms"),
                    new String(restore.body()));
            assertTrue(restore.headers().firstValue("Retry-After").isPresent());
            // Served from the LR (no model run): unaffected.
            assertEquals(200, iris.get("/img/photo.png?w=64").statusCode());
            // Depending on timing the run fails inside ORT or is dropped before it starts; either is counted once.
            String metrics = new String(iris.get("/iris/metrics").body());
            assertEquals(1.0, sample(metrics, "iris_model_run_seconds_count{outcome=\"failed\"}")
                    + sample(metrics, "iris_model_runs_expired_total"), metrics);
        }
    }

    @Test
    void missingModel_withLrOnlyFallback_servesConventionallyAndSaysSoInHealth(@TempDir Path tmp) throws Exception {
        // Make an asset with the real model first, then restart with no loadable model.
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
        }
        Path empty = Files.createDirectories(tmp.resolve("no-models"));
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of("models.dir", empty.toString(),
                "models.lrOnlyFallback", "true"))) {
            JsonNode health = JSON.readTree(iris.get("/iris/health").body());
            assertEquals("degraded", health.get("status").asText());
            assertEquals("lr-only", health.get("mode").asText());
            assertTrue(health.get("modelProblem").asText().startsWith("models.dir: no model packs"),
                    health.get("modelProblem").asText()); // relative to models.dir, not a server path
            HttpResponse<byte[]> full = iris.get("/img/photo.png");
            assertEquals(200, full.statusCode());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(full.body()));
            assertEquals(256, image.getWidth());
            assertEquals(192, image.getHeight());
            HttpResponse<byte[]> ingest = iris.put("/iris/assets/new?scale=2", IrisTestServer.fixture("photo.png"),
                    "Authorization", "Bearer " + IrisTestServer.TOKEN);
            assertEquals(503, ingest.statusCode());
        }
    }

    /** The value of one series in Prometheus text, 0 when absent. */
    private static double sample(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip())).orElse(0.0);
    }
}
