package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.S3ProxyProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * iris over HTTP on an S3 bucket whose server is stopped, frozen and restarted for real (S3Proxy in its own
 * process): images already cached keep coming, anything that needs the store gets 503 with Retry-After well
 * within the request time limit (never a 500, never a hang), an ingest fails with nothing of it visible, and the
 * node recovers by itself.
 */
class ObjectStoreFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;
    private static final Duration CALL_LIMIT = Duration.ofSeconds(1);
    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(10);

    @Test
    @Timeout(300)
    void storeDownOrSlow_cachedImagesServed_othersAre503_ingestFailsCleanly_andTheNodeRecovers(@TempDir Path tmp)
            throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start(tmp.resolve("s3"))) {
            Map<String, String> keys = new HashMap<>(s3.irisKeys("faults/"));
            keys.put("assets.s3.timeoutMs", Long.toString(CALL_LIMIT.toMillis()));
            keys.put("assets.metaStalenessMs", "500");
            keys.put("limits.requestTimeoutMs", Long.toString(REQUEST_LIMIT.toMillis()));
            try (IrisTestServer iris = IrisTestServer.start(tmp, keys)) {
                int scale = iris.firstModelScale();
                assertEquals(201, ingest(iris, "photo", "photo.png", scale).statusCode());
                assertEquals(201, ingest(iris, "lady", "ladybird.png", scale).statusCode());
                HttpResponse<byte[]> cached = iris.get("/img/photo.jpg?w=64");
                assertEquals(200, cached.statusCode());

                s3.stop();
                Thread.sleep(600); // past the metadata staleness: lookups now ask the store, and fail
                HttpResponse<byte[]> stillServed = timed(() -> iris.get("/img/photo.jpg?w=64"));
                assertEquals(200, stillServed.statusCode());
                assertArrayEquals(cached.body(), stillServed.body());
                HttpResponse<byte[]> needsStore = timed(() -> iris.get("/img/lady.jpg?w=64"));
                assertUnavailable(needsStore);
                HttpResponse<byte[]> ingestWhileDown = timed(() -> ingest(iris, "new", "ladybird.png", scale));
                assertUnavailable(ingestWhileDown);

                s3.restart();
                HttpResponse<byte[]> recovered = awaitStatus(() -> iris.get("/img/lady.jpg?w=64"), 200);
                assertEquals("image/jpeg", recovered.headers().firstValue("Content-Type").orElseThrow());
                assertEquals(404, iris.get("/iris/assets/new", "Authorization", AUTH).statusCode(),
                        "the failed ingest left nothing visible");
                JsonNode listed = JSON.readTree(iris.get("/iris/assets", "Authorization", AUTH).body());
                assertEquals(2, listed.size(), listed.toString());

                assertEquals(201, ingest(iris, "third", "photo.jpg", scale).statusCode()); // stored, never looked up
                s3.pause(); // slow: the server accepts connections and never answers
                try {
                    Thread.sleep(600);
                    assertEquals(200, timed(() -> iris.get("/img/photo.jpg?w=64")).statusCode());
                    assertEquals(200, timed(() -> iris.get("/img/lady.jpg?w=100&h=40")).statusCode(),
                            "rendered from the LR this node holds");
                    assertUnavailable(timed(() -> iris.get("/img/third.jpg?w=64")));
                } finally {
                    s3.resume();
                }
                awaitStatus(() -> iris.get("/img/third.jpg?w=64"), 200);
                assertEquals(201, awaitStatus(() -> ingest(iris, "new", "ladybird.png", scale), 201).statusCode());
            }
        }
    }

    private static HttpResponse<byte[]> ingest(IrisTestServer iris, String name, String fixture, int scale) {
        return iris.put("/iris/assets/" + name + "?scale=" + scale, IrisTestServer.fixture(fixture),
                "Authorization", AUTH);
    }

    private static void assertUnavailable(HttpResponse<byte[]> response) throws Exception {
        String body = new String(response.body());
        assertEquals(503, response.statusCode(), body);
        assertTrue(response.headers().firstValue("Retry-After").isPresent(), "no Retry-After");
        JsonNode json = JSON.readTree(body);
        assertTrue(json.get("error").asText().startsWith("the asset store is not answering: "), body);
        assertFalse(body.contains("127.0.0.1") || body.contains(S3ProxyProcess.BUCKET), body);
    }

    /** The response, failing unless it came well within the request time limit. */
    private static HttpResponse<byte[]> timed(Supplier<HttpResponse<byte[]>> request) {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(REQUEST_LIMIT.dividedBy(2)) < 0, "answered " + response.statusCode() + " after "
                + took);
        return response;
    }

    /** Repeats {@code request} until it answers {@code status}: the node's own recovery, nothing restarted. */
    private static HttpResponse<byte[]> awaitStatus(Supplier<HttpResponse<byte[]>> request, int status)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<byte[]> response = request.get();
            if (response.statusCode() == status) {
                return response;
            }
            assertEquals(503, response.statusCode(), new String(response.body()));
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + response.statusCode() + ": " + new String(response.body()));
            }
            Thread.sleep(200);
        }
    }
}
