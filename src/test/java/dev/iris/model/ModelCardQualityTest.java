package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped model, run through our FFM binding on the committed test image, reaches the PSNR its model card
 * states for that image (computed in PyTorch by {@code models/train/release.py}) within 0.3 dB.
 */
class ModelCardQualityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> packs() throws IOException {
        List<Path> packs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("models"))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().forEach(packs::add);
        }
        return packs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packs")
    void restoreOfTheTestImage_matchesTheModelCard(Path dir) throws IOException {
        JsonNode card = JSON.readTree(dir.resolve("model.json").toFile()).get("java_check");
        assertTrue(card != null && card.has("image") && card.has("psnr_y"), dir + "/model.json has no java_check");
        Rgb8Image hr = Decoder.decode(Files.readAllBytes(Path.of(card.get("image").asText())), DecodeLimits.defaults());
        try (ModelPack pack = ModelPack.open(OrtRuntime.get(), dir, SessionOptions.defaults())) {
            Rescaler rescaler = new Rescaler(pack);
            Rgb8Image restored = rescaler.restore(rescaler.downscale(hr, null), hr.width(), hr.height(), null);
            double psnrY = Quality.psnrY(hr, restored, pack.scale());
            assertEquals(card.get("psnr_y").asDouble(), psnrY, 0.3, dir.getFileName() + ": Java " + psnrY + " dB");
        }
    }
}
