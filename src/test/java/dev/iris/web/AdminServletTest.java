package dev.iris.web;

import static dev.iris.web.IrisTestServer.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest over HTTP, health and metrics. */
class AdminServletTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;

    @TempDir
    static Path tmp;
    static IrisTestServer iris;
    static int scale;

    @BeforeAll
    static void start() throws Exception {
        iris = IrisTestServer.start(tmp, Map.of());
        scale = iris.firstModelScale();
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
    }

    @Test
    void put_ingestsAndServes_thenReplacesWith200() throws Exception {
        HttpResponse<byte[]> created = iris.put("/iris/assets/lady?scale=" + scale,
                IrisTestServer.fixture("ladybird.png"), "Authorization", AUTH);
        assertEquals(201, created.statusCode(), new String(created.body()));
        JsonNode meta = JSON.readTree(created.body());
        assertEquals(160, meta.get("width").asInt());
        assertEquals(100, meta.get("height").asInt());
        assertEquals(scale, meta.get("scale").asInt());
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/img/lady.png"));
        assertEquals(200, iris.get("/img/lady.jpg?w=100").statusCode());
        HttpResponse<byte[]> replaced = iris.put("/iris/assets/lady?scale=" + scale,
                IrisTestServer.fixture("photo.jpg"), "Authorization", AUTH);
        assertEquals(200, replaced.statusCode());
        assertEquals(256, JSON.readTree(replaced.body()).get("width").asInt());
    }

    @Test
    void put_withoutOrWithWrongToken_is401_andChangesNothing() throws Exception {
        assertProblem(iris.put("/iris/assets/x", IrisTestServer.fixture("photo.png")), 401,
                "missing or wrong bearer token");
        assertProblem(iris.put("/iris/assets/x", IrisTestServer.fixture("photo.png"), "Authorization", "Bearer wrong"),
                401, "missing or wrong bearer token");
        assertProblem(iris.get("/iris/assets/x", "Authorization", AUTH), 404, "no asset named x");
    }

    @Test
    void put_badImages_giveTheirExactStatusAndOneLineReason_andLeaveTheStoreAsItWas() throws Exception {
        iris.put("/iris/assets/keep?scale=" + scale, IrisTestServer.fixture("photo.png"), "Authorization", AUTH);
        List<String> before = files();
        assertProblem(put("keep", "empty.jpg"), 400, "empty body: send the image file as the request body");
        assertProblem(put("keep", "text.jpg"), 415, "not an image iris can read (expected JPEG, PNG or WebP)");
        assertProblem(put("keep", "truncated.jpg"), 400, "corrupt or truncated image");
        assertProblem(put("keep", "huge-header.png"), 400,
                "image is 100000x100000 (10000.0 megapixels), more than the 50.0 allowed");
        assertEquals(before, files());
        assertEquals(200, iris.get("/img/keep.png?w=64").statusCode());
    }

    @Test
    void put_badScaleOrName_is400() {
        byte[] photo = IrisTestServer.fixture("photo.png");
        assertProblem(iris.put("/iris/assets/y?scale=4.5", photo, "Authorization", AUTH), 400,
                "scale must lie in [1.1, 4] on each axis, got 4.5");
        assertProblem(iris.put("/iris/assets/..hidden", photo, "Authorization", AUTH), 400,
                "expected an asset name (letters, digits, '.', '_', '-') in the path, got \"..hidden\"");
    }

    @Test
    void health_reportsModelsProviderAndCaches() throws Exception {
        JsonNode health = JSON.readTree(iris.get("/iris/health").body());
        assertEquals("ok", health.get("status").asText());
        assertEquals("CPUExecutionProvider", health.get("models").get(0).get("provider").asText());
        assertTrue(health.get("caches").get("source").get("maxBytes").asLong() > 0);
        assertTrue(health.get("onnxRuntime").get("version").asText().startsWith("1."));
        assertEquals("webp", health.get("assets").get("lrCodec").asText());
        assertTrue(health.get("assets").get("storedBytes").canConvertToLong(), health.toString());
    }

    @Test
    void metrics_arePrometheusText() {
        iris.get("/img/none-such.png");
        HttpResponse<byte[]> metrics = iris.get("/iris/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String text = new String(metrics.body());
        // iris's own series (names documented in README) beside Micrometer's standard JVM and Caffeine ones.
        assertTrue(text.contains("# TYPE iris_http_requests_seconds histogram"), text);
        assertTrue(text.contains("iris_http_requests_seconds_count{status=\"404\"} "), text);
        assertTrue(text.contains("cache_gets_total{cache=\"encoded\",result=\"hit\"}"), text);
        assertTrue(text.contains("iris_cache_bytes{cache=\"source\"}"), text);
        assertTrue(text.contains("iris_model_runs_queued "), text);
        assertTrue(text.contains("iris_assets_stored_bytes "), text);
        assertTrue(text.contains("iris_assets_unknown{bytes=\"source\"} "), text);
        assertTrue(text.contains("jvm_memory_used_bytes{"), text);
        assertTrue(text.contains("jvm_gc_"), text);
        assertTrue(text.contains("jetty_threads_busy "), text);
        assertTrue(text.contains("jetty_server_requests_seconds_count{"), text);
    }

    private static HttpResponse<byte[]> put(String name, String fixture) {
        return iris.put("/iris/assets/" + name + "?scale=" + scale, IrisTestServer.fixture(fixture),
                "Authorization", AUTH);
    }


    private static List<String> files() throws Exception {
        try (Stream<Path> files = Files.list(tmp.resolve("assets"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
