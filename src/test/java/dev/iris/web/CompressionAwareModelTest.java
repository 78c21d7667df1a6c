package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelCard;
import dev.iris.model.Rescaler;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compression-aware model (its card names a lossy {@code lr_codec}) over HTTP: an ingest naming it stores the LR
 * with that codec, measures the round trip and keeps the restore from what the codec decodes to (so the first
 * request, served from the kept restore, equals a cold restore after a restart), and is never the default.
 */
class CompressionAwareModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = "Bearer " + IrisTestServer.TOKEN;

    @Test
    void ingestNamingIt_storesItsCodec_andMeasuresAndKeepsWhatTheCodecDecodes(@TempDir Path tmp) throws Exception {
        byte[] source = IrisTestServer.fixture("photo.png");
        byte[] firstFullSize;
        try (IrisTestServer iris = IrisTestServer.start(tmp, Map.of())) {
            Rescaler lossy = lossyModel(iris);
            ModelCard.LossyCodec codec = lossy.pack().card().lrCodec().orElseThrow();
            HttpResponse<byte[]> created = iris.put("/iris/assets/photo?scale=" + lossy.scale() + "&model="
                    + lossy.pack().id(), source, "Authorization", AUTH);
            assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
            JsonNode meta = JSON.readTree(created.body());
            assertEquals("jpeg-q" + codec.quality(), meta.get("codec").asText());
            assertEquals(lossy.pack().id(), meta.get("modelId").asText());
            try (Stream<Path> files = Files.list(tmp.resolve("assets"))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("photo\\.[0-9a-f]+\\.lr\\.jpg")),
                        "no photo.<version>.lr.jpg in the store");
            }

            // The round trip in the metadata is the restore of the pixels the version holds: the decoded JPEG.
            AssetMeta stored = iris.app().store().find(new AssetName("photo")).orElseThrow();
            Rgb8Image held = iris.app().store().read(stored).lr();
            Rgb8Image original = Decoder.decode(source, DecodeLimits.defaults()).withoutAlpha();
            try (var control = iris.app().newRunControl()) {
                Rgb8Image restored = lossy.restore(held, original.width(), original.height(), control);
                assertEquals(Quality.psnrY(original, restored, lossy.scale()), stored.roundTripPsnrY(), 5e-4);
            }

            long runs = KeptRestoreTest.modelRuns(iris);
            firstFullSize = ok(iris.get("/img/photo.png"));
            assertEquals(runs, KeptRestoreTest.modelRuns(iris), "the first request restored: nothing was kept");

            JsonNode plain = JSON.readTree(iris.put("/iris/assets/plain?scale=" + lossy.scale(), source,
                    "Authorization", AUTH).body());
            assertNotEquals(lossy.pack().id(), plain.get("modelId").asText(), "a lossy model was the default");
            assertEquals("webp", plain.get("codec").asText());
        }
        try (IrisTestServer restarted = IrisTestServer.start(tmp, Map.of("assets.restoredMaxBytes", "0"))) {
            assertArrayEquals(firstFullSize, ok(restarted.get("/img/photo.png")),
                    "the restore kept at ingest differs from a cold restore of the stored LR");
        }
    }

    /** The compression-aware model that ships in the models directory. */
    private static Rescaler lossyModel(IrisTestServer iris) {
        return iris.app().models().orElseThrow().all().stream()
                .filter(m -> m.pack().card().lrCodec().isPresent())
                .filter(Rescaler.class::isInstance).map(Rescaler.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no compression-aware model in "
                        + IrisTestServer.MODELS));
    }

    private static byte[] ok(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        return response.body();
    }
}
