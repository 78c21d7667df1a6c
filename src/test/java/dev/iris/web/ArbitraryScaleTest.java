package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.AssetMeta;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ArbitraryRescaler;
import dev.iris.model.RescaleModel;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Assets at fractional and asymmetric scales, ingested and served over HTTP by the arbitrary-scale model. */
class ArbitraryScaleTest {
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

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
        // query; LR width; LR height (the original is 256x192: each side over its scale, rounded)
        "scale=2.5; 102; 77",
        "scale=1.5,3; 171; 64",
        "scale=3.5,2; 73; 96",
        "lrWidth=100; 100; 75",
        "scale=1.1; 233; 175"})
    void put_atAnyScale_storesTheExactLrSizeAndBothScales_andServesExactSizes(String query, int lrWidth,
            int lrHeight) throws Exception {
        String name = "s" + Math.abs(query.hashCode());
        HttpResponse<byte[]> created = iris.put("/iris/assets/" + name + "?" + query,
                IrisTestServer.fixture("photo.png"), "Authorization", AUTH);
        assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
        JsonNode meta = JSON.readTree(created.body());
        assertEquals(lrWidth, meta.get("lrWidth").asInt());
        assertEquals(lrHeight, meta.get("lrHeight").asInt());
        assertEquals(256.0 / lrWidth, meta.get("scaleX").asDouble(), 1e-12);
        assertEquals(192.0 / lrHeight, meta.get("scaleY").asDouble(), 1e-12);
        assertEquals("iarn-small-2", meta.get("modelId").asText());

        for (String size : List.of("", "?w=200", "?w=240&h=100&fit=cover", "?w=" + lrWidth, "?w=60")) {
            Rgb8Image served = decode(iris.get("/img/" + name + ".png" + size));
            int[] expected = switch (size) {
                case "" -> new int[] {256, 192};
                case "?w=200" -> new int[] {200, 150};
                case "?w=240&h=100&fit=cover" -> new int[] {240, 100};
                case "?w=60" -> new int[] {60, 45};
                default -> new int[] {lrWidth, Math.round(192f * lrWidth / 256)};
            };
            assertEquals(expected[0] + "x" + expected[1], served.width() + "x" + served.height(), size);
        }
    }

    @Test
    void get_fullSize_isTheModelsRestore_andBeatsBicubicFromTheSameLr() throws Exception {
        HttpResponse<byte[]> created = iris.put("/iris/assets/frac?scale=2.5", IrisTestServer.fixture("photo.png"),
                "Authorization", AUTH);
        assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
        AssetMeta meta = iris.app().store().find(new dev.iris.asset.AssetName("frac")).orElseThrow();
        Rgb8Image lr = iris.app().store().read(meta).lr();
        RescaleModel model = iris.app().models().orElseThrow().byId(meta.modelId()).orElseThrow();
        assertTrue(model instanceof ArbitraryRescaler, model.getClass().getName());

        Rgb8Image served = decode(iris.get("/img/frac.png"));
        try (var control = iris.app().newRunControl()) {
            assertArrayEquals(model.restore(lr, 256, 192, control).rgb(), served.rgb(),
                    "served pixels are not the model's restore");
        }
        Rgb8Image original = Decoder.decode(IrisTestServer.fixture("photo.png"), DecodeLimits.defaults());
        double restored = Quality.psnrY(original, served, 3);
        double bicubic = Quality.psnrY(original, Resampler.resize(lr, 256, 192, Filter.BICUBIC), 3);
        assertTrue(restored > bicubic + 1, "restore " + restored + " dB, bicubic from the LR " + bicubic + " dB");
        assertEquals(meta.roundTripPsnrY(), restored, 5e-4, "the round trip measured at ingest (stored to 0.001 dB)");
    }

    /**
     * A retrained model ships beside the one it replaces, whose card names it in {@code superseded_by}: new ingests
     * take the successor, and an asset the old pack made (here asked for by name) is still restored by the old pack.
     */
    @Test
    void anAssetOfASupersededPack_isStillRestoredByIt_whileNewIngestsTakeItsSuccessor() throws Exception {
        RescaleModel old = iris.app().models().orElseThrow().all().stream()
                .filter(m -> m.pack().card().supersededBy().isPresent()).findFirst()
                .orElseThrow(() -> new AssertionError("no superseded pack in " + IrisTestServer.MODELS));
        String successor = old.pack().card().supersededBy().orElseThrow();
        String query = "?scale=" + (old instanceof ArbitraryRescaler ? "2.5" : old.pack().scale());
        HttpResponse<byte[]> made = iris.put("/iris/assets/older" + query + "&model=" + old.pack().id(),
                IrisTestServer.fixture("photo.png"), "Authorization", AUTH);
        assertEquals(201, made.statusCode(), new String(made.body(), StandardCharsets.UTF_8));
        assertEquals(old.pack().id(), JSON.readTree(made.body()).get("modelId").asText());
        assertEquals(successor, JSON.readTree(iris.put("/iris/assets/newer" + query, IrisTestServer.fixture(
                "photo.png"), "Authorization", AUTH).body()).get("modelId").asText());

        AssetMeta meta = iris.app().store().find(new dev.iris.asset.AssetName("older")).orElseThrow();
        Rgb8Image served = decode(iris.get("/img/older.png"));
        try (var control = iris.app().newRunControl()) {
            assertArrayEquals(old.restore(iris.app().store().read(meta).lr(), 256, 192, control).rgb(),
                    served.rgb(), "an asset of the superseded pack is not restored by it");
        }
    }

    @Test
    void put_integerScales_stayWithTheDedicatedModels() throws Exception {
        JsonNode x2 = JSON.readTree(iris.put("/iris/assets/int2?scale=2", IrisTestServer.fixture("photo.png"),
                "Authorization", AUTH).body());
        // the dedicated default at each integer scale (ModelRegistry.forScale), not the arbitrary-scale family
        var registry = iris.app().models().orElseThrow();
        assertEquals(registry.forScale(2).orElseThrow().pack().id(), x2.get("modelId").asText());
        assertEquals(2, x2.get("scale").asInt());
        JsonNode x4 = JSON.readTree(iris.put("/iris/assets/int4?scale=4,4", IrisTestServer.fixture("photo.png"),
                "Authorization", AUTH).body());
        assertEquals(registry.forScale(4).orElseThrow().pack().id(), x4.get("modelId").asText());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', value = {
        "scale=0; scale must lie in [1.1, 4] on each axis, got 0",
        "scale=1; scale must lie in [1.1, 4] on each axis, got 1",
        "scale=4.5; scale must lie in [1.1, 4] on each axis, got 4.5",
        "scale=NaN; expected a scale like 2, 2.5 or 1.5,3 (horizontal, vertical), got \"NaN\"",
        "scale=2,; expected a scale like 2, 2.5 or 1.5,3 (horizontal, vertical), got \"2,\"",
        "scale=-2; expected a scale like 2, 2.5 or 1.5,3 (horizontal, vertical), got \"-2\"",
        "scale=abc; expected a scale like 2, 2.5 or 1.5,3 (horizontal, vertical), got \"abc\"",
        "lrWidth=0; lrWidth must be a positive number of pixels, got 0",
        "lrWidth=20; an LR 20 wide means a scale of 12.8 for an image 256 wide, outside [1.1, 4]",
        "scale=2&lrWidth=100; give a scale or an LR width, not both",
        "scale=2.5&model=irn-x2-small; model irn-x2-small makes scale 2, not 2.5",
        "scale=2.5&optimize=true; model iarn-small-2 cannot optimise: it ships no gradient graph (lr_grad.onnx)"})
    void put_badScales_are400WithOneLine_andStoreNothing(String query, String reason) throws Exception {
        List<String> before = files();
        HttpResponse<byte[]> response = iris.put("/iris/assets/bad?" + query, IrisTestServer.fixture("photo.png"),
                "Authorization", AUTH);
        IrisTestServer.assertProblem(response, 400, reason);
        assertEquals(before, files());
        assertEquals(404, iris.get("/img/bad.png").statusCode());
    }

    private static List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(tmp.resolve("assets"))) {
            return all.filter(f -> f.toString().contains("bad")).map(Path::toString).sorted().toList();
        }
    }

    private static Rgb8Image decode(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        return Decoder.decode(response.body(), DecodeLimits.defaults());
    }
}
