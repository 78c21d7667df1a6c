package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingests that outlast the request time limit become jobs: {@code 202} with the job's URL, polled until the asset is
 * stored or the failure is reported; stopping the server mid-job leaves the store as it was.
 */
class IngestJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;
    /** A request time limit far shorter than any ingest, so that every PUT answers 202. */
    private static final Map<String, String> SHORT_WAIT = Map.of("limits.requestTimeoutMs", "1");

    @Test
    void slowIngest_answers202_andTheJobReportsTheStoredAsset(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, SHORT_WAIT)) {
            HttpResponse<byte[]> put = iris.put("/iris/assets/photo?scale=" + iris.firstModelScale(),
                    IrisTestServer.fixture("photo.png"), "Authorization", AUTH);
            assertEquals(202, put.statusCode(), new String(put.body()));
            String location = put.headers().firstValue("Location").orElseThrow();
            assertTrue(location.matches("http://127\\.0\\.0\\.1:\\d+/iris/jobs/[0-9a-f]{24}"), location);
            assertEquals("running", JSON.readTree(put.body()).get("state").asText());

            JsonNode job = poll(iris, location);
            assertEquals("done", job.get("state").asText(), job.toString());
            assertEquals("photo", job.get("asset").get("name").asText());
            assertEquals(200, iris.get("/img/photo.png?w=64").statusCode());
            assertEquals(job.get("asset").get("version").asText(), JSON.readTree(
                    iris.get("/iris/assets/photo", "Authorization", AUTH).body()).get("version").asText());
            // Jobs are behind the token like the rest of the asset endpoints.
            assertEquals(401, iris.get(URI.create(location).getPath()).statusCode());
        }
    }

    @Test
    void failingJob_reportsItsStatusAndReason_andStoresNothing(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, SHORT_WAIT)) {
            byte[] png = IrisTestServer.fixture("photo.png");
            png[16] ^= 0x01; // inside IHDR's width: the chunk's CRC no longer matches
            HttpResponse<byte[]> put = iris.put("/iris/assets/broken", png, "Authorization", AUTH);
            assertEquals(202, put.statusCode(), new String(put.body()));
            JsonNode job = poll(iris, put.headers().firstValue("Location").orElseThrow());
            assertEquals("failed", job.get("state").asText(), job.toString());
            assertEquals(400, job.get("status").asInt());
            assertEquals("damaged PNG: chunk IHDR fails its CRC check", job.get("error").asText());
            assertEquals(404, iris.get("/iris/assets/broken", "Authorization", AUTH).statusCode());
        }
    }

    @Test
    void unknownJob_is404(@TempDir Path tmp) throws Exception {
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            HttpResponse<byte[]> missing = iris.get("/iris/jobs/0123456789abcdef01234567", "Authorization", AUTH);
            assertEquals(404, missing.statusCode());
            assertTrue(new String(missing.body()).contains("no ingest job \\\"0123456789abcdef01234567\\\""),
                    new String(missing.body()));
        }
    }

    @Test
    void stoppingMidJob_leavesTheStoreAsItWas(@TempDir Path tmp) throws Exception {
        byte[] large = Files.readAllBytes(Path.of("webapp/originals").resolve(firstOriginal()));
        try (IrisTestServer iris = IrisTestServer.start(tmp, SHORT_WAIT)) {
            HttpResponse<byte[]> put = iris.put("/iris/assets/big", large, "Authorization", AUTH);
            assertEquals(202, put.statusCode(), new String(put.body()));
        } // closing cancels the run inside ONNX Runtime and waits for it to return
        try (Stream<Path> files = Files.list(tmp.resolve("assets"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("big.")),
                    "a cancelled ingest left files behind");
        }
        try (IrisTestServer again = IrisTestServer.start(tmp, Map.of())) {
            assertEquals(404, again.get("/iris/assets/big", "Authorization", AUTH).statusCode());
        }
    }

    private static String firstOriginal() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("webapp/originals"))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    /** The job's JSON once it is no longer running (at most a minute). */
    private static JsonNode poll(IrisTestServer iris, String location) throws Exception {
        String path = URI.create(location).getPath();
        for (int i = 0; i < 600; i++) {
            HttpResponse<byte[]> response = iris.get(path, "Authorization", AUTH);
            assertEquals(200, response.statusCode(), new String(response.body()));
            JsonNode job = JSON.readTree(response.body());
            if (!job.get("state").asText().equals("running")) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + location + " still running after a minute");
    }
}
