package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serving.restoreWaitMs}: a request whose restore is not ready within the wait is answered from the LR at
 * once, not cacheable and without an ETag, while the restore runs in the background; later requests get the
 * restored image, the same bytes a server that always waits answers. Health and metrics count those answers.
 */
class ProvisionalAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void coldRestore_withNoWait_answersFromTheLrAtOnce_thenTheRestoredImage(@TempDir Path tmp) throws Exception {
        byte[] restored;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of("serving.restoreWaitMs", "0"))) {
            iris.ingest("photo", "photo.png", iris.firstModelScale()); // from "another process": nothing cached

            HttpResponse<byte[]> first = iris.get("/img/photo.png");
            assertEquals(200, first.statusCode(), () -> new String(first.body()));
            assertEquals("no-store", first.headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(first.headers().firstValue("ETag").isEmpty(), "a provisional answer carries an ETag");
            assertEquals("256x192", size(first.body()));

            awaitModelRuns(iris, 1); // the background restore
            // Counted a moment before it is cached: a request in that moment may still be answered provisionally.
            int provisionalAnswers = 1;
            HttpResponse<byte[]> later = iris.get("/img/photo.png");
            for (int i = 0; i < 100 && later.headers().firstValue("ETag").isEmpty(); i++) {
                provisionalAnswers++;
                Thread.sleep(20);
                later = iris.get("/img/photo.png");
            }
            assertEquals(200, later.statusCode());
            assertTrue(later.headers().firstValue("ETag").isPresent());
            assertTrue(later.headers().firstValue("Cache-Control").orElseThrow().startsWith("public, max-age="));
            assertFalse(java.util.Arrays.equals(first.body(), later.body()), "the restore changed nothing");
            restored = later.body();
            assertEquals(1, KeptRestoreTest.modelRuns(iris), "the restore ran more than once");

            // An output the LR holds never needs the restore, so it is never provisional.
            assertTrue(iris.get("/img/photo.png?w=64").headers().firstValue("ETag").isPresent());

            JsonNode provisional = JSON.readTree(iris.get("/iris/health").body()).get("provisional");
            assertTrue(provisional.get("enabled").asBoolean());
            assertEquals(0, provisional.get("restoreWaitMs").asInt());
            assertEquals(provisionalAnswers, provisional.get("answers").asInt());
            assertTrue(new String(iris.get("/iris/metrics").body()).contains("iris_render_provisional_total "
                    + provisionalAnswers + ".0"));
        }
        try (IrisTestServer waiting = IrisTestServer.start(tmp, Map.of())) { // the default: always wait
            HttpResponse<byte[]> response = waiting.get("/img/photo.png");
            assertTrue(response.headers().firstValue("ETag").isPresent());
            assertArrayEquals(restored, response.body());
            assertFalse(JSON.readTree(waiting.get("/iris/health").body()).get("provisional").get("enabled")
                    .asBoolean());
        }
    }

    @Test
    void restoreReadyWithinTheWait_isAnsweredRestored(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of("serving.restoreWaitMs", "60000"))) {
            iris.ingest("photo", "photo.png", iris.firstModelScale());
            HttpResponse<byte[]> response = iris.get("/img/photo.png");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("ETag").isPresent(), "answered provisionally within the wait");
            assertEquals(0, JSON.readTree(iris.get("/iris/health").body()).get("provisional").get("answers").asInt());
        }
    }

    private static String size(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getWidth() + "x" + image.getHeight();
    }

    private static void awaitModelRuns(IrisTestServer iris, long runs) throws InterruptedException {
        for (int i = 0; i < 1200 && KeptRestoreTest.modelRuns(iris) < runs; i++) {
            Thread.sleep(50);
        }
        assertEquals(runs, KeptRestoreTest.modelRuns(iris), "the background restore did not finish within a minute");
    }
}
