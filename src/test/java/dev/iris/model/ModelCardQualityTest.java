package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.asset.LrCodec;
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
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped model, run through our FFM binding on the committed test image, reaches the PSNR its model card
 * states for that image (computed in PyTorch by {@code models/train/release.py}, or for the arbitrary-scale family
 * at each of the scales its card lists; for a compression-aware pack with its LR through the codec the card names,
 * Pillow's JPEG there, Java's here) within 0.3 dB.
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
        assertTrue(card != null && card.has("image") && (card.has("psnr_y") || card.has("cases")),
                dir + "/model.json has no java_check");
        Rgb8Image hr = Decoder.decode(Files.readAllBytes(Path.of(card.get("image").asText())), DecodeLimits.defaults());
        try (ModelPack pack = ModelPack.open(OrtRuntime.get(), dir, SessionOptions.defaults())) {
            RescaleModel model = RescaleModel.forPack(pack, Integer.MAX_VALUE, Long.MAX_VALUE);
            List<JsonNode> cases = new ArrayList<>();
            card.path("cases").forEach(cases::add);
            if (cases.isEmpty()) { // a fixed-scale card: one case at its scale
                cases.add(JSON.createObjectNode().put("psnr_y", card.get("psnr_y").asDouble())
                        .set("requested_scale_xy", JSON.createArrayNode().add(pack.scale()).add(pack.scale())));
            }
            for (JsonNode c : cases) {
                Scale scale = new Scale(c.get("requested_scale_xy").get(0).asDouble(),
                        c.get("requested_scale_xy").get(1).asDouble());
                int[] lr = model.lrSize(hr.width(), hr.height(), scale);
                Rgb8Image stored = model.downscale(hr, lr[0], lr[1], null);
                // a compression-aware pack restores its LR as the store keeps it: through the codec it names
                Optional<LrCodec> codec = pack.card().lrCodec().map(LrCodec::of);
                if (codec.isPresent()) {
                    stored = codec.get().stored(stored);
                }
                Rgb8Image restored = model.restore(stored, hr.width(), hr.height(), null);
                double psnrY = Quality.psnrY(hr, restored, (int) Math.ceil(Math.max(scale.x(), scale.y())));
                assertEquals(c.get("psnr_y").asDouble(), psnrY, 0.3, dir.getFileName() + " at " + scale + ": Java "
                        + psnrY + " dB");
            }
        }
    }
}
