package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The arbitrary-scale family through iris's own resampler and our binding: the same pixels the training code's
 * port of that resampler made (the pack's {@code check/} cases, written by {@code models/train/iarn.py}), and tiles
 * and windows that equal whole-image runs.
 */
class ArbitraryRescalerTest {
    private static final Path PACK = Path.of("models/iarn-small");
    private static final ObjectMapper JSON = new ObjectMapper();
    static ModelPack pack;

    @BeforeAll
    static void open() {
        pack = ModelPack.open(OrtRuntime.get(), PACK, SessionOptions.defaults());
    }

    @AfterAll
    static void close() {
        pack.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sym", "asym"})
    void downscaleAndRestore_matchThePythonPipeline(String name) throws IOException {
        JsonNode c = JSON.readTree(PACK.resolve("check/meta.json").toFile()).get("cases").get(name);
        Path dir = PACK.resolve("check").resolve(name);
        Rgb8Image hr = png(dir.resolve("hr.png"));
        int lrW = c.get("lr_size_wh").get(0).asInt(), lrH = c.get("lr_size_wh").get(1).asInt();
        // The host's resample to the core size is the one the network was trained with, to the bit.
        Rgb8Image core = Resampler.resize(hr, 4 * lrW, 4 * lrH, Filter.BICUBIC);
        assertArrayEquals(png(dir.resolve("core.png")).rgb(), core.rgb(), "core resample");

        ArbitraryRescaler model = new ArbitraryRescaler(pack, Integer.MAX_VALUE, Long.MAX_VALUE);
        Scale asked = new Scale(c.get("requested_scale_xy").get(0).asDouble(),
                c.get("requested_scale_xy").get(1).asDouble());
        assertArrayEquals(new int[] {lrW, lrH}, model.lrSize(hr.width(), hr.height(), asked));
        Rgb8Image lr = model.downscale(hr, lrW, lrH, null);
        assertTrue(maxDiff(png(dir.resolve("lr.png")), lr) <= 1, "LR");
        Rgb8Image restored = model.restore(png(dir.resolve("lr.png")), hr.width(), hr.height(), null);
        assertTrue(maxDiff(png(dir.resolve("restored.png")), restored) <= 1, "restore");
    }

    @Test
    void tilesAndWindows_equalTheWholeImageRun_atAnAsymmetricScale() throws IOException {
        Rgb8Image hr = Decoder.decode(Files.readAllBytes(Path.of("src/test/resources/fixtures/photo.png")),
                DecodeLimits.defaults());
        ArbitraryRescaler whole = new ArbitraryRescaler(pack, Integer.MAX_VALUE, Long.MAX_VALUE);
        ArbitraryRescaler tiled = new ArbitraryRescaler(pack, 48, Long.MAX_VALUE); // LR 171x64 in 48 px tiles
        Scale scale = new Scale(1.5, 3);
        int[] size = whole.lrSize(256, 192, scale);
        Rgb8Image lr = whole.downscale(hr, size[0], size[1], null);
        Rgb8Image lrTiled = tiled.downscale(hr, size[0], size[1], null);
        assertTrue(maxDiff(lr, lrTiled) <= 1, "downscale tiles differ by " + maxDiff(lr, lrTiled));

        Rgb8Image a = whole.restore(lr, 256, 192, null);
        Rgb8Image b = tiled.restore(lr, 256, 192, null);
        assertEquals("256x192", b.width() + "x" + b.height());
        assertTrue(maxDiff(a, b) <= 1, "restore tiles differ by " + maxDiff(a, b));
        RescaleModel.Region window = new RescaleModel.Region(37, 101, 150, 61);
        assertArrayEquals(Resampler.crop(b, 37, 101, 150, 61).rgb(), tiled.restore(lr, 256, 192, window, null).rgb());
    }

    @Test
    void scales_andTheScaleRecorded() {
        ArbitraryRescaler model = new ArbitraryRescaler(pack, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertTrue(model.makes(new Scale(1.1, 4)));
        assertTrue(!model.makes(new Scale(1.05, 2)) && !model.makes(Scale.uniform(4.01)));
        assertEquals(new Scale(256.0 / 102, 192.0 / 77), model.scaleOf(256, 192, 102, 77));
    }

    private static Rgb8Image png(Path file) throws IOException {
        return Decoder.decode(Files.readAllBytes(file), DecodeLimits.defaults());
    }

    private static int maxDiff(Rgb8Image a, Rgb8Image b) {
        assertEquals(a.width() + "x" + a.height(), b.width() + "x" + b.height());
        int max = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            max = Math.max(max, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        }
        return max;
    }
}
