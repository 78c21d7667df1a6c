package dev.iris.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.asset.AssetMeta;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelRegistry;
import dev.iris.model.RescaleModel;
import dev.iris.model.Rescaler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
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
    void get_fullSize_servesTheModelsRestore_notAConventionalEnlargementOfTheLr() {
        HttpResponse<byte[]> response = iris.get("/img/photo.png");
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        Rgb8Image served = decode(response.body());
        Rgb8Image lr = iris.app().store().read(photo).lr();
        // The model's own restore of the stored LR, run directly: the full-size PNG must be exactly that.
        assertArrayEquals(restore(lr, photo).rgb(), served.rgb(), "served pixels are not the model's restore");

        Rgb8Image original = decode(IrisTestServer.fixture("photo.png"));
        int s = photo.scale().integer();
        double servedPsnr = Quality.psnrY(original, served, s);
        assertEquals(photo.roundTripPsnrY(), servedPsnr, 1e-9, "the round trip measured at ingest");
        for (Filter filter : List.of(Filter.BICUBIC, Filter.LANCZOS3)) {
            double conventional = Quality.psnrY(original, enlarge(lr, photo, filter), s);
            assertTrue(servedPsnr > conventional + RESTORE_MARGIN_DB, String.format(Locale.ROOT,
                    "served %.2f dB PSNR-Y, %s enlargement of the LR %.2f dB", servedPsnr, filter, conventional));
        }
    }

    @Test
    void get_largerThanTheOriginal_withEnlarge_givesTheLargerSize(@TempDir Path own) throws Exception {
        try (IrisTestServer enlarging = IrisTestServer.start(own, Map.of("serving.enlarge", "true"))) {
            AssetMeta meta = enlarging.ingest("photo", "photo.png", enlarging.firstModelScale()); // 256x192
            HttpResponse<byte[]> response = enlarging.get("/img/photo.png?w=512");
            assertEquals(200, response.statusCode(), () -> new String(response.body()));
            Rgb8Image served = decode(response.body());
            assertEquals("512x384", served.width() + "x" + served.height());
            // Past the original: the model's restore at the original size, enlarged with Lanczos.
            Rgb8Image restored = restore(enlarging, enlarging.app().store().read(meta).lr(), meta);
            assertArrayEquals(Resampler.resize(restored, 512, 384, Filter.LANCZOS3).rgb(), served.rgb());
            HttpResponse<byte[]> box = enlarging.get("/img/photo.png?w=600&h=600&fit=contain");
            BufferedImage boxed = ImageIO.read(new ByteArrayInputStream(box.body()));
            assertEquals("600x600", boxed.getWidth() + "x" + boxed.getHeight());
        }
        // The shared server has serving.enlarge=false: the same request is shrunk back to the original.
        Rgb8Image capped = decode(iris.get("/img/photo.png?w=512").body());
        assertEquals("256x192", capped.width() + "x" + capped.height());
    }

    @Test
    void get_pngWithAlpha_ingestedOverHttp_keepsItsAlpha() throws IOException {
        // rgba.png (64x48): alpha 255 where x < 32; right of that 0 in the top half, 100 in the bottom half.
        HttpResponse<byte[]> put = iris.put("/iris/assets/rgba?scale=" + photo.scale(),
                IrisTestServer.fixture("rgba.png"), "Authorization", "Bearer " + IrisTestServer.TOKEN);
        assertEquals(201, put.statusCode(), () -> new String(put.body()));
        assertTrue(new String(put.body()).contains("\"alpha\" : true"), () -> new String(put.body()));
        // Full size goes through the model (colour) and the conventional upscale (alpha); w=16 is served from the LR.
        for (String query : List.of("", "?w=16")) {
            HttpResponse<byte[]> response = iris.get("/img/rgba.png" + query);
            assertEquals(200, response.statusCode(), () -> new String(response.body()));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
            String where = query.isEmpty() ? "full size" : query;
            assertTrue(image.getColorModel().hasAlpha(), "no alpha channel at " + where);
            int w = image.getWidth(), h = image.getHeight();
            assertEquals(query.isEmpty() ? "64x48" : "16x12", w + "x" + h);
            // Far enough from the alpha edges (x = 32, y = 24) that resampling leaves the plateaus exact.
            assertEquals(255, alpha(image, w / 16, h / 12), query);
            assertEquals(255, alpha(image, w / 16, h - 1 - h / 12), query);
            assertEquals(0, alpha(image, w - 1 - w / 16, h / 12), query);
            assertEquals(100, alpha(image, w - 1 - w / 16, h - 1 - h / 12), query);
        }
        // JPEG has no alpha: the same asset as JPEG still serves.
        assertEquals(200, iris.get("/img/rgba.jpg").statusCode());
    }

    /**
     * A pack whose graphs were re-laid out for speed (models/train/pad_channels.py: same function, new SHA-256)
     * keeps restoring the assets made for the graphs it replaced, which its card lists in {@code same_function_as}.
     */
    @Test
    void get_assetMadeForAGraphTheLoadedOneReplacedWithTheSameFunction_isRestoredByTheModel() {
        ModelRegistry registry = iris.app().models().orElseThrow();
        // the pack a plain ingest at its scale picks, as the registry decides it
        Rescaler relaid = Stream.of(2, 4).map(registry::forScale).flatMap(Optional::stream)
                .filter(r -> !r.pack().card().upSameFunctionAs().isEmpty())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pack with same_function_as in " + IrisTestServer.MODELS));
        AssetMeta made = iris.ingest("relaid-source", "photo.png", relaid.scale());
        assertEquals(relaid.pack().id(), made.modelId());
        String older = relaid.pack().card().upSameFunctionAs().iterator().next();
        Rgb8Image lr = iris.app().store().read(made).lr();
        iris.app().store().put(new AssetMeta("relaid", "", "", made.width(), made.height(), made.lrWidth(),
                made.lrHeight(), made.scale(), made.modelId(), older, made.sourceSha256(), false, made.created(),
                made.roundTripPsnrY()), lr);
        Rgb8Image served = decode(iris.get("/img/relaid.png").body());
        try (var control = iris.app().newRunControl()) {
            assertArrayEquals(relaid.restore(lr, made.width(), made.height(), control).rgb(), served.rgb(),
                    "an asset made for the graph this pack replaced is not restored by it");
        }
    }

    @Test
    void get_assetWhoseModelChangedSinceIngest_isServedFromTheLrConventionally_loggedOnce() {
        // The same LR, stored as made by an up.onnx with another SHA-256 (as after a model update).
        AssetMeta changed = iris.app().store().put(new AssetMeta("changed", "", "", photo.width(), photo.height(),
                photo.lrWidth(), photo.lrHeight(), photo.scale(), photo.modelId(), "0".repeat(64),
                photo.sourceSha256(), false, photo.created(), photo.roundTripPsnrY()),
                iris.app().store().read(photo).lr());
        Rgb8Image lr = iris.app().store().read(changed).lr();
        Logger renderLog = Logger.getLogger("dev.iris.render.Renderer");
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING
                        && record.getParameters() != null
                        && Arrays.asList(record.getParameters()).contains("changed")) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        renderLog.addHandler(handler);
        try {
            long runs = iris.app().runner().finished();
            HttpResponse<byte[]> full = iris.get("/img/changed.png");
            assertEquals(200, full.statusCode(), () -> new String(full.body()));
            Rgb8Image served = decode(full.body());
            assertArrayEquals(enlarge(lr, changed, Filter.LANCZOS3).rgb(), served.rgb(),
                    "not the LR enlarged with Lanczos");
            assertEquals(200, iris.get("/img/changed.png?w=200").statusCode());
            assertEquals(200, iris.get("/img/changed.jpg?w=64").statusCode());
            assertEquals(runs, iris.app().runner().finished(), "the model ran for an LR it did not make");
            assertEquals(1, warnings.size(),
                    () -> "warnings: " + warnings.stream().map(LogRecord::getMessage).toList());
        } finally {
            renderLog.removeHandler(handler);
        }
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
        IrisTestServer.assertProblem(response, 400, message);
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
    }

    /** Served images must beat a conventional enlargement of the same LR by this much (shipped x2 model: ~9 dB). */
    private static final double RESTORE_MARGIN_DB = 3.0;

    private static Rgb8Image decode(byte[] png) {
        return Decoder.decode(png, DecodeLimits.defaults());
    }

    private static Rgb8Image restore(Rgb8Image lr, AssetMeta meta) {
        return restore(iris, lr, meta);
    }

    /** The restore of {@code lr} by the loaded model that made {@code meta}, run directly through its Rescaler. */
    private static Rgb8Image restore(IrisTestServer server, Rgb8Image lr, AssetMeta meta) {
        RescaleModel model = server.app().models().orElseThrow().byId(meta.modelId()).orElseThrow();
        try (var control = server.app().newRunControl()) {
            return model.restore(lr.withoutAlpha(), meta.width(), meta.height(), control);
        }
    }

    /** {@code lr} enlarged by the scale with {@code filter} and cropped to the original size. */
    private static Rgb8Image enlarge(Rgb8Image lr, AssetMeta meta, Filter filter) {
        int s = meta.scale().integer();
        return Resampler.crop(Resampler.resize(lr, lr.width() * s, lr.height() * s, filter), 0, 0, meta.width(),
                meta.height());
    }

    private static int alpha(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) >>> 24;
    }
}
