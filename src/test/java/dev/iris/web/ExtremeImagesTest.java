package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import dev.iris.image.Rgb8Image;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every image the decoder accepts ingests and serves, however small or thin: never a 500. */
class ExtremeImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;

    @TempDir
    static Path tmp;
    static IrisTestServer iris;

    @BeforeAll
    static void start() throws Exception {
        iris = IrisTestServer.start(tmp, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        iris.close();
    }

    @ParameterizedTest(name = "{0}x{1} {2} at x{3}")
    @CsvSource({
        "1, 1, png, 2", "1, 3, png, 2", "3, 1, png, 2", "1, 1, jpeg, 2", "1, 3, jpeg, 2", "3, 1, jpeg, 2",
        "8193, 3, png, 2", "3, 8193, png, 2", "8193, 3, jpeg, 2", "3, 8193, jpeg, 2",
        "1, 1, png, 4", "2, 5, png, 4", "8193, 3, png, 4", "3, 8193, jpeg, 4",
    })
    void tinyAndThinImages_ingestAndServe(int width, int height, String format, int scale) throws Exception {
        if (iris.app().models().orElseThrow().forScale(scale).isEmpty()) {
            return; // no model of this scale loaded
        }
        byte[] source = Encoder.encode(noise(width, height), ImageFormat.parse(format).orElseThrow(), 95);
        String name = "t" + width + "x" + height + format + scale;
        HttpResponse<byte[]> put = iris.put("/iris/assets/" + name + "?scale=" + scale, source, "Authorization", AUTH);
        assertEquals(201, put.statusCode(), new String(put.body()));
        JsonNode meta = JSON.readTree(put.body());
        assertEquals(width, meta.get("width").asInt());
        assertEquals((width + scale - 1) / scale, meta.get("lrWidth").asInt());

        for (String query : new String[] {"", "?w=1", "?w=" + Math.min(8192, 2 * width), "?h=2&fit=contain"}) {
            HttpResponse<byte[]> image = iris.get("/img/" + name + ".png" + query);
            assertEquals(200, image.statusCode(), query + ": " + new String(image.body()));
            Rgb8Image served = Decoder.decode(image.body(), DecodeLimits.defaults());
            if (query.isEmpty()) {
                assertArrayEquals(new int[] {width, height}, new int[] {served.width(), served.height()});
            }
        }
    }

    private static Rgb8Image noise(int width, int height) {
        byte[] rgb = new byte[3 * width * height];
        new Random(width * 31L + height).nextBytes(rgb);
        return Rgb8Image.opaque(width, height, rgb);
    }
}
