package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetMeta;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The image filter end to end: real Jetty on an ephemeral port, real model, real HTTP, decoded responses. */
class IrisFilterTest {
    @TempDir
    static Path tmp;
    static IrisTestServer iris;
    static AssetMeta photo;

    @BeforeAll
    static void start() throws Exception {
        iris = IrisTestServer.start(tmp, Map.of());
        photo = iris.ingest("photo", "photo.png", iris.firstModelScale()); // 256x192
        Files.createDirectories(tmp.resolve("webapp/img"));
        Files.write(tmp.resolve("webapp/img/plain.txt"), "static file".getBytes());
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        // query, expected width, expected height (source 256x192)
        "'', 256, 192",
        "w=100, 100, 75",
        "h=96, 128, 96",
        "w=100&h=100&fit=cover, 100, 100",
        "w=100&h=100&fit=contain, 100, 100",
        "w=100&h=100&fit=fill, 100, 100",
        "w=100&h=100&fit=inside, 100, 75",
        "w=100&h=100&fit=outside, 133, 100",
        "w=200&h=60&fit=cover, 200, 60",
        "w=240&h=180, 240, 180",
        "w=50&dpr=2, 100, 75",
        "w=120&h=90&dpr=1.5, 180, 135",
        "w=512, 256, 192",
    })
    void get_sizesAndFits_giveExactDimensions(String query, int width, int height) throws IOException {
        HttpResponse<byte[]> response = iris.get("/img/photo.png" + (query.isEmpty() ? "" : "?" + query));
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertEquals(width + "x" + height, image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void get_formatsFollowExtensionAndFm() throws IOException {
        assertFormat(iris.get("/img/photo.jpg?w=64"), "image/jpeg");
        assertFormat(iris.get("/img/photo.png?w=64"), "image/png");
        assertFormat(iris.get("/img/photo.png?w=64&fm=jpeg"), "image/jpeg");
        HttpResponse<byte[]> webp = iris.get("/img/photo.jpg?w=64&fm=webp");
        assertEquals("image/webp", webp.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("RIFF", new String(webp.body(), 0, 4));
    }

    private static void assertFormat(HttpResponse<byte[]> response, String type) throws IOException {
        assertEquals(200, response.statusCode());
        assertEquals(type, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(String.valueOf(response.body().length),
                response.headers().firstValue("Content-Length").orElseThrow());
        assertTrue(ImageIO.read(new ByteArrayInputStream(response.body())).getWidth() > 0);
    }

    @Test
    void get_restoredPixels_matchTheModelsRestoreNotJustTheLr() throws IOException {
        HttpResponse<byte[]> response = iris.get("/img/photo.png");
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(response.body()));
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(IrisTestServer.fixture("photo.png")));
        double psnr = psnr(original, served);
        // The round trip measured at ingest is what the full-size response must reproduce, to the bit.
        assertEquals(photo.roundTripPsnrY() > 0, psnr > 0);
        assertTrue(psnr > 20, "PSNR " + psnr);
    }

    @Test
    void get_ifNoneMatch_gives304_andHeadGivesHeadersOnly() {
        HttpResponse<byte[]> first = iris.get("/img/photo.jpg?w=80");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{24}\""), etag);
        assertEquals("public, max-age=86400", first.headers().firstValue("Cache-Control").orElseThrow());
        HttpResponse<byte[]> again = iris.get("/img/photo.jpg?w=80", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        HttpResponse<byte[]> head = iris.head("/img/photo.jpg?w=80");
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(first.body().length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);
        assertFalse(iris.get("/img/photo.jpg?w=81").headers().firstValue("ETag").orElseThrow().equals(etag));
    }

    @Test
    void get_versionedUrl_isImmutable() {
        HttpResponse<byte[]> response = iris.get("/img/photo.jpg?w=80&v=" + photo.version());
        assertEquals("public, max-age=86400, immutable", response.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void get_unknownAsset_goesDownTheChain() {
        assertEquals(404, iris.get("/img/nope.jpg").statusCode());
        assertEquals(404, iris.get("/img/nope.jpg?w=-3").statusCode()); // not ours, so not our 400 either
        HttpResponse<byte[]> file = iris.get("/img/plain.txt");
        assertEquals(200, file.statusCode());
        assertEquals("static file", new String(file.body()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
        "w=-3#expected integer 1..8192 for w, got \"-3\"",
        "w=abc#expected integer 1..8192 for w, got \"abc\"",
        "w=0#expected integer 1..8192 for w, got \"0\"",
        "h=99999#expected integer 1..8192 for h, got \"99999\"",
        "fit=squash#expected cover|contain|fill|inside|outside for fit, got \"squash\"",
        "q=101#expected integer 1..100 for q, got \"101\"",
        "dpr=NaN#expected number 1..4 for dpr, got \"NaN\"",
        "fm=gif#expected png|jpeg|jpg|webp for fm, got \"gif\"",
        "w=5000&dpr=2#expected w x dpr at most 8192, got 10000",
        "blur=3#unknown parameter \"blur\"; known: w, h, fit, dpr, q, fm, v, s",
        "w=1&w=2#expected one value for w, got 2",
    })
    void get_malformedParameters_give400WithOneLineJsonReason(String query, String message) {
        HttpResponse<byte[]> response = iris.get("/img/photo.jpg?" + query);
        assertEquals(400, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        String body = new String(response.body());
        assertEquals("{\"status\":400,\"error\":\"" + message.replace("\"", "\\\"") + "\"}\n", body);
    }

    static double psnr(BufferedImage a, BufferedImage b) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    double d = ((p >> shift) & 0xFF) - ((q >> shift) & 0xFF);
                    sum += d * d;
                    n++;
                }
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / (sum / n));
    }
}
