package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iris.hash.Sha256;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model packs from disk: the shipped ones load and rescale; broken ones stop with the file and field named. */
class ModelPackTest {
    private static final OrtRuntime ORT = OrtRuntime.get();
    private static final Path MODELS = Path.of("models");

    @Test
    void registry_loadsEveryShippedPack() {
        try (ModelRegistry registry = ModelRegistry.load(ORT, MODELS, SessionOptions.defaults())) {
            assertTrue(registry.forScale(2).isPresent(), "no x2 model shipped");
            for (Rescaler rescaler : registry.fixedScale()) {
                assertEquals("CPUExecutionProvider", rescaler.pack().provider());
            }
        }
    }

    @Test
    void rescaler_sizesNotAMultipleOfTheScale_arePaddedThenCropped() {
        try (ModelRegistry registry = ModelRegistry.load(ORT, MODELS, SessionOptions.defaults())) {
            for (Rescaler rescaler : registry.fixedScale()) {
                int s = rescaler.scale();
                Rgb8Image hr = gradient(37, 23);
                Rgb8Image lr = rescaler.downscale(hr, null);
                assertEquals((37 + s - 1) / s, lr.width());
                assertEquals((23 + s - 1) / s, lr.height());
                Rgb8Image restored = rescaler.restore(lr, 37, 23, null);
                assertEquals(37, restored.width());
                assertEquals(23, restored.height());
                // A smooth gradient survives any sensible rescaler well.
                double psnr = Quality.psnrRgb(hr, restored, 0);
                assertTrue(psnr > 30, rescaler.pack().id() + ": " + psnr + " dB");
            }
        }
    }

    @Test
    void restore_inTiles_equalsTheWholeImageRun(@TempDir Path tmp) throws IOException {
        // The converter's random-weight IRN x2 at the official size (8 blocks, gc 32): far from an identity, so a
        // margin short of its receptive radius shows at once.
        Path pack = Files.createDirectories(tmp.resolve("irn-x2-random"));
        Path fixture = Path.of("src/test/resources/irn-convert/x2");
        for (String f : new String[] {"down.onnx", "up.onnx"}) {
            Files.copy(fixture.resolve(f), pack.resolve(f));
        }
        Files.writeString(pack.resolve("model.json"), "{\"id\":\"irn-x2-random\",\"scale\":2,"
                + "\"architecture\":{\"blocks_per_level\":[8]},\"onnx\":{"
                + "\"down\":{\"sha256\":\"" + Sha256.hex(Files.readAllBytes(pack.resolve("down.onnx"))) + "\"},"
                + "\"up\":{\"sha256\":\"" + Sha256.hex(Files.readAllBytes(pack.resolve("up.onnx"))) + "\"}}}");
        try (ModelPack random = ModelPack.open(ORT, pack, SessionOptions.defaults())) {
            Rescaler whole = new Rescaler(random);
            Rescaler tiled = new Rescaler(random, 32); // LR 128x96 in 32 px tiles, each with an 82 px margin
            Rgb8Image hr = dev.iris.image.Decoder.decode(readFixture("photo.png"), dev.iris.image.DecodeLimits.defaults());
            Rgb8Image lr = whole.downscale(hr, null);
            Rgb8Image a = whole.restore(lr, 250, 190, null);
            Rgb8Image b = tiled.restore(lr, 250, 190, null);
            int maxDiff = maxDiff(a, b);
            assertTrue(maxDiff <= 1, "tiles differ from the whole image by up to " + maxDiff);
            // The downscale is tiled the same way: the LR equals a whole-image run up to 8-bit rounding.
            Rgb8Image lrTiled = tiled.downscale(hr, null);
            assertEquals(lr.width(), lrTiled.width());
            assertEquals(lr.height(), lrTiled.height());
            int lrDiff = maxDiff(lr, lrTiled);
            assertTrue(lrDiff <= 1, "downscale tiles differ from the whole image by up to " + lrDiff);
            // A window, not aligned to the scale or the tiles, is exactly that part of the tiled whole.
            RescaleModel.Region window = new RescaleModel.Region(45, 71, 123, 77);
            Rgb8Image part = tiled.restore(lr, 250, 190, window, null);
            assertArrayEquals(dev.iris.image.Resampler.crop(b, 45, 71, 123, 77).rgb(), part.rgb());
        }
    }

    private static int maxDiff(Rgb8Image a, Rgb8Image b) {
        int maxDiff = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        }
        return maxDiff;
    }

    private static byte[] readFixture(String name) {
        try (var in = ModelPackTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void receptiveRadius_followsTheArchitecture() {
        assertEquals(42, new ModelCard("a", 2, "", "", java.util.List.of(4)).receptiveRadiusLr().getAsInt());
        assertEquals(82, new ModelCard("b", 2, "", "", java.util.List.of(8)).receptiveRadiusLr().getAsInt());
        assertEquals(47, new ModelCard("c", 4, "", "", java.util.List.of(3, 3)).receptiveRadiusLr().getAsInt());
        assertTrue(new ModelCard("d", 2, "", "", java.util.List.of()).receptiveRadiusLr().isEmpty());
    }

    @Test
    void open_shaMismatch_namesTheFile(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        byte[] up = Files.readAllBytes(pack.resolve("up.onnx"));
        up[up.length - 1] ^= 1;
        Files.write(pack.resolve("up.onnx"), up);
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("up.onnx") + ": sha256 is "), e.getMessage());
    }

    @Test
    void open_missingFile_namesIt(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        Files.delete(pack.resolve("down.onnx"));
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("down.onnx") + ": cannot read model file"), e.getMessage());
    }

    @Test
    void open_badCard_namesTheField(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        Files.writeString(pack.resolve("model.json"), "{\"id\": \"x\", \"scale\": 3}");
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertEquals(pack.resolve("model.json") + ": field scale must be 2 or 4, got 3", e.getMessage());
    }

    @Test
    void open_gradientGraphShaMismatch_namesTheFile(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        byte[] grad = Files.readAllBytes(pack.resolve("lr_grad.onnx"));
        grad[grad.length - 1] ^= 1;
        Files.write(pack.resolve("lr_grad.onnx"), grad);
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("lr_grad.onnx") + ": sha256 is "), e.getMessage());
    }

    @Test
    void open_gradientGraphOfAnotherUpOnnx_isRefused(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        String card = Files.readString(pack.resolve("model.json"));
        Files.writeString(pack.resolve("model.json"), card.replaceFirst("(\"up_sha256\": \")[0-9a-f]+", "$1" + "0".repeat(64)));
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("model.json") + ": field onnx.lr_grad.up_sha256 is 0000"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("lr_grad.onnx was made from another up.onnx (re-run "
                + "models.train.export_grad)"), e.getMessage());
    }

    @Test
    void open_gradientGraphListedButMissing_namesIt(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        Files.delete(pack.resolve("lr_grad.onnx"));
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("lr_grad.onnx") + ": cannot read model file"),
                e.getMessage());
    }

    @Test
    void gradientGraphWithTheWrongInputs_isRefusedAtFirstUse(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        Files.copy(pack.resolve("up.onnx"), pack.resolve("lr_grad.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(pack.resolve("model.json"), Files.readString(pack.resolve("model.json")).replaceFirst(
                "(\"lr_grad\": \\{[^}]*?\"sha256\": \")[0-9a-f]+", "$1" + Sha256.hex(Files.readAllBytes(
                        pack.resolve("lr_grad.onnx")))));
        try (ModelPack opened = ModelPack.open(ORT, pack, SessionOptions.defaults())) {
            GradientGraph graph = opened.lrGrad().orElseThrow();
            var e = assertThrows(ModelException.class, graph::session);
            assertTrue(e.getMessage().startsWith(pack.resolve("lr_grad.onnx") + ": expected inputs [lr, hr, lr_ref, "
                    + "mask, chroma, fidelity]"), e.getMessage());
        }
    }

    @Test
    void gradientGraphChangedAfterStartup_isRefusedAtFirstUse(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        try (ModelPack opened = ModelPack.open(ORT, pack, SessionOptions.defaults())) {
            byte[] grad = Files.readAllBytes(pack.resolve("hr_grad.onnx"));
            grad[grad.length - 1] ^= 1;
            Files.write(pack.resolve("hr_grad.onnx"), grad);
            var e = assertThrows(ModelException.class, () -> opened.hrGrad().orElseThrow().session());
            assertTrue(e.getMessage().startsWith(pack.resolve("hr_grad.onnx") + ": sha256 is "), e.getMessage());
        }
    }

    @Test
    void open_hrGradientGraphOfAnotherDownOnnx_isRefused(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        String card = Files.readString(pack.resolve("model.json"));
        Files.writeString(pack.resolve("model.json"), card.replaceFirst("(\"down_sha256\": \")[0-9a-f]+",
                "$1" + "0".repeat(64)));
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("model.json") + ": field onnx.hr_grad.down_sha256 is 0000"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("hr_grad.onnx was made from another down.onnx (re-run "
                + "models.train.export_grad)"), e.getMessage());
    }

    @Test
    void open_hrGradientGraphShaMismatch_namesTheFile(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        byte[] grad = Files.readAllBytes(pack.resolve("hr_grad.onnx"));
        grad[grad.length - 1] ^= 1;
        Files.write(pack.resolve("hr_grad.onnx"), grad);
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().startsWith(pack.resolve("hr_grad.onnx") + ": sha256 is "), e.getMessage());
    }

    @Test
    void open_withoutHrGradientGraph_optimisesTheLrStageOnly(@TempDir Path tmp) throws IOException {
        Path pack = copyFirstPack(tmp);
        var json = new ObjectMapper();
        var card = (ObjectNode) json.readTree(pack.resolve("model.json").toFile());
        ((ObjectNode) card.get("onnx")).remove("hr_grad");
        Files.write(pack.resolve("model.json"), json.writeValueAsBytes(card));
        Files.delete(pack.resolve("hr_grad.onnx"));
        try (ModelPack opened = ModelPack.open(ORT, pack, SessionOptions.defaults())) {
            Rescaler rescaler = new Rescaler(opened);
            assertTrue(rescaler.optimizer().isPresent());
            assertTrue(rescaler.hrOptimizer().isEmpty());
            Rgb8Image image = gradient(24, 16);
            assertEquals(image.width() / opened.scale(), rescaler.downscale(image, 0, 1, null, f -> {}).width());
            var e = assertThrows(IllegalArgumentException.class, () -> rescaler.downscale(image, 1, 1, null, f -> {}));
            assertEquals(opened.id() + " ships no hr_grad.onnx", e.getMessage());
        }
    }

    @Test
    void registry_emptyDirectory_saysSo(@TempDir Path tmp) {
        var e = assertThrows(ModelException.class, () -> ModelRegistry.load(ORT, tmp, SessionOptions.defaults()));
        assertEquals(tmp + ": no model packs (subdirectories with a model.json)", e.getMessage());
    }

    /** A copy of the first shipped pack with gradient graphs (an IRN pack: the arbitrary-scale one has none). */
    /**
     * A better model ships under a new id, the old card naming it in {@code superseded_by}: new ingests take the
     * successor while it is loaded, the old pack still restores what it made; with no successor loaded the old pack
     * stays the default.
     */
    @Test
    void registry_aSupersededPack_isNoDefaultWhileItsSuccessorIsLoaded(@TempDir Path tmp) throws IOException {
        Path both = Files.createDirectories(tmp.resolve("both"));
        copyAs(both, "irn-x2-a", "irn-x2-b");
        copyAs(both, "irn-x2-b", null);
        try (ModelRegistry registry = ModelRegistry.load(ORT, both, SessionOptions.defaults())) {
            assertEquals("irn-x2-b", registry.forScale(2).orElseThrow().pack().id());
            ModelCard old = registry.byId("irn-x2-a").orElseThrow().pack().card();
            assertTrue(old.restoresFor(old.upSha256()), "the superseded pack no longer restores its own assets");
        }
        Path alone = Files.createDirectories(tmp.resolve("alone"));
        copyAs(alone, "irn-x2-a", "irn-x2-b");
        try (ModelRegistry registry = ModelRegistry.load(ORT, alone, SessionOptions.defaults())) {
            assertEquals("irn-x2-a", registry.forScale(2).orElseThrow().pack().id());
        }
        Path self = Files.createDirectories(tmp.resolve("self"));
        Path pack = copyAs(self, "irn-x2-a", "irn-x2-a");
        var e = assertThrows(ModelException.class, () -> ModelPack.open(ORT, pack, SessionOptions.defaults()));
        assertTrue(e.getMessage().contains("field superseded_by must name another pack's id"), e.getMessage());
    }

    /** irn-x2-jpeg's graphs (no gradient graphs) as a lossless pack {@code id}, superseded by {@code successor}. */
    private static Path copyAs(Path dir, String id, String successor) throws IOException {
        Path source = MODELS.resolve("irn-x2-jpeg");
        Path target = Files.createDirectories(dir.resolve(id));
        for (String file : new String[] {"down.onnx", "up.onnx"}) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        ObjectNode card = (ObjectNode) new ObjectMapper().readTree(source.resolve("model.json").toFile());
        card.put("id", id);
        card.remove("lr_codec");
        if (successor != null) {
            card.put("superseded_by", successor);
        }
        new ObjectMapper().writeValue(target.resolve("model.json").toFile(), card);
        return target;
    }

    private static Path copyFirstPack(Path tmp) throws IOException {
        Path source;
        try (Stream<Path> dirs = Files.list(MODELS)) {
            source = dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))
                    && Files.isRegularFile(d.resolve("lr_grad.onnx"))).sorted().findFirst().orElseThrow();
        }
        Path target = Files.createDirectories(tmp.resolve(source.getFileName()));
        for (String file : new String[] {"model.json", "down.onnx", "up.onnx", "lr_grad.onnx", "hr_grad.onnx"}) {
            Files.copy(source.resolve(file), target.resolve(file));
        }
        return target;
    }

    static Rgb8Image gradient(int w, int h) {
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (40 + 4 * x);
                rgb[i + 1] = (byte) (60 + 5 * y);
                rgb[i + 2] = (byte) (100 + 2 * (x + y));
            }
        }
        return Rgb8Image.opaque(w, h, rgb);
    }
}
