package dev.iris.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.app.IrisApp;
import dev.iris.config.ConfigLoader;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Rgb8Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iris migrate} on a real store: assets uploaded over HTTP to an iris storing PNG LRs, migrated by the
 * command line, then served over HTTP by a fresh iris (nothing cached) with the same pixels and ETags.
 */
class MigrateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "test-token";
    /** Full size (restored through the model), a size from the LR, and a cropped box, for each asset. */
    private static final List<String> QUERIES = List.of("", "?w=64", "?w=100&h=100&fit=cover");

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void migrate_rewritesPngAssetsAsWebp_andTheyServeTheSamePixels_andAgainChangesNothing() throws Exception {
        Map<String, byte[]> before = new LinkedHashMap<>();
        Map<String, String> etags = new LinkedHashMap<>();
        try (Running png = start("png")) {
            for (String name : List.of("photo", "rgba")) {
                HttpResponse<byte[]> put = png.put("/iris/assets/" + name + "?scale=2", fixture(name + ".png"));
                assertEquals(201, put.statusCode(), new String(put.body()));
                JsonNode meta = JSON.readTree(put.body());
                assertEquals("png", meta.get("codec").asText());
                assertEquals(fixture(name + ".png").length, meta.get("sourceBytes").asLong());
                assertEquals(assetBytes(name), meta.get("storedBytes").asLong());
                for (String query : QUERIES) {
                    HttpResponse<byte[]> got = png.get("/img/" + name + ".png" + query);
                    assertEquals(200, got.statusCode());
                    before.put(name + query, got.body());
                    etags.put(name + query, got.headers().firstValue("ETag").orElseThrow());
                }
            }
        }
        long pngBytes = assetBytes("photo") + assetBytes("rgba");

        Output first = migrate();
        assertEquals(0, first.status(), first.err());
        assertEquals("", first.err());
        List<String> lines = first.out().lines().toList();
        assertEquals(3, lines.size(), first.out());
        assertTrue(lines.get(0).matches("photo: png \\d+ B -> webp \\d+ B \\(-\\d+\\.\\d%\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("rgba: png \\d+ B -> webp \\d+ B \\([-+]\\d+\\.\\d%\\)"), lines.get(1));
        long webpBytes = assetBytes("photo") + assetBytes("rgba");
        assertTrue(webpBytes < pngBytes, webpBytes + " vs " + pngBytes);
        assertTrue(lines.get(2).startsWith("total: 2 assets into webp: 2 migrated, 0 already webp, 0 replaced "
                + "meanwhile, 0 failed; " + pngBytes + " B -> " + webpBytes + " B ("), lines.get(2));
        assertEquals(List.of("photo.json", "rgba.json"), payloads(".json"));
        assertEquals(0, payloads(".png").size());
        assertEquals(3, payloads(".webp").size()); // photo's LR; rgba's LR and alpha plane

        try (Running webp = start("webp")) {
            for (Map.Entry<String, byte[]> expected : before.entrySet()) {
                HttpResponse<byte[]> got = webp.get("/img/" + expected.getKey().replaceFirst("^(\\w+)", "$1.png"));
                assertEquals(200, got.statusCode(), expected.getKey());
                assertEquals(etags.get(expected.getKey()), got.headers().firstValue("ETag").orElseThrow());
                Rgb8Image was = Decoder.decode(expected.getValue(), DecodeLimits.defaults());
                Rgb8Image now = Decoder.decode(got.body(), DecodeLimits.defaults());
                assertArrayEquals(was.rgb(), now.rgb(), expected.getKey());
                assertArrayEquals(was.alpha(), now.alpha(), expected.getKey());
            }
            JsonNode meta = JSON.readTree(webp.get("/iris/assets/photo").body());
            assertEquals("webp", meta.get("codec").asText());
            assertEquals(assetBytes("photo"), meta.get("storedBytes").asLong());
            assertEquals(fixture("photo.png").length, meta.get("sourceBytes").asLong());
        }

        Output again = migrate();
        assertEquals(0, again.status(), again.err());
        assertEquals(List.of("photo: already webp, " + assetBytes("photo") + " B", "rgba: already webp, "
                + assetBytes("rgba") + " B", "total: 2 assets into webp: 0 migrated, 2 already webp, 0 replaced "
                + "meanwhile, 0 failed; " + webpBytes + " B -> " + webpBytes + " B (+0.0%)"), again.out().lines().toList());
    }

    private record Output(int status, String out, String err) {}

    private Output migrate() {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true));
        System.setErr(new PrintStream(stderr, true));
        try {
            int status = Main.run(new String[] {"migrate", "--assets.dir=" + tmp.resolve("assets"),
                    "--config=" + tmp.resolve("none.properties")});
            return new Output(status, stdout.toString(), stderr.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A real iris on an ephemeral port over the test's store, storing new LRs with {@code codec}. */
    private Running start(String codec) throws Exception {
        Map<String, String> settings = Map.of("server.port", "0", "server.host", "127.0.0.1",
                "server.webappDir", Files.createDirectories(tmp.resolve("webapp")).toString(),
                "assets.dir", tmp.resolve("assets").toString(), "assets.demoDir", "", "assets.ingestToken", TOKEN,
                "assets.lrCodec", codec, "models.dir", Path.of("models").toAbsolutePath().toString());
        IrisApp app = IrisApp.start(ConfigLoader.load(Optional.empty(), settings, tmp));
        try {
            return new Running(app, new IrisServer(app).start());
        } catch (Exception e) {
            app.close();
            throw e;
        }
    }

    private final class Running implements AutoCloseable {
        private final IrisApp app;
        private final IrisServer server;

        Running(IrisApp app, IrisServer server) {
            this.app = app;
            this.server = server;
        }

        HttpResponse<byte[]> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<byte[]> put(String path, byte[] body) throws Exception {
            return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }

        @Override
        public void close() throws Exception {
            try {
                server.close();
            } finally {
                app.close();
            }
        }
    }

    /** Bytes of every file of asset {@code name}: its metadata and payloads. */
    private long assetBytes(String name) throws IOException {
        long total = 0;
        for (Path file : list()) {
            if (file.getFileName().toString().startsWith(name + ".")) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private List<String> payloads(String suffix) throws IOException {
        return list().stream().map(p -> p.getFileName().toString()).filter(f -> f.endsWith(suffix)).sorted().toList();
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("assets"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = MigrateCommandTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }
}
