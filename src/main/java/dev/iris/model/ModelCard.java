package dev.iris.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code model.json} says about a model pack, as far as serving needs it; the file holds more (training data,
 * metrics), which stays in the file.
 *
 * @param id         stable identifier, also the directory name
 * @param scale      the downscaling factor: 2 or 4
 * @param downSha256 SHA-256 of {@code down.onnx} ({@code onnx.down.sha256}), checked at load
 * @param upSha256   SHA-256 of {@code up.onnx} ({@code onnx.up.sha256}), checked at load
 * @param blocksPerLevel invertible blocks per Haar level ({@code architecture.blocks_per_level}); empty if unknown
 * @param lrGradSha256 SHA-256 of {@code lr_grad.onnx} ({@code onnx.lr_grad.sha256}), the gradient graph encode-time
 *                     optimisation follows; empty when the pack ships none (it then cannot optimise), checked at load
 *                     when present, as is {@code onnx.lr_grad.up_sha256}, the {@code up.onnx} it was made from
 */
public record ModelCard(String id, int scale, String downSha256, String upSha256, List<Integer> blocksPerLevel,
        Optional<String> lrGradSha256) {
    /** Radius in pixels of one invertible block's inverse: H and G (5 convs each) on y1, then F (5 convs). */
    private static final int BLOCK_RADIUS = 10;

    public ModelCard {
        blocksPerLevel = List.copyOf(blocksPerLevel);
    }

    /** A card without a gradient graph. */
    public ModelCard(String id, int scale, String downSha256, String upSha256, List<Integer> blocksPerLevel) {
        this(id, scale, downSha256, upSha256, blocksPerLevel, Optional.empty());
    }

    /**
     * How far, in LR pixels, an output pixel of {@code up.onnx} can see: the sum over levels of
     * blocks x {@value #BLOCK_RADIUS}, each level's pixels being 2^(levels - level) times smaller than the LR's, plus
     * the Haar step. Empty when {@code model.json} gives no architecture. Tiles overlapping by this much restore
     * exactly what the whole image would.
     */
    public OptionalInt receptiveRadiusLr() {
        if (blocksPerLevel.isEmpty()) {
            return OptionalInt.empty();
        }
        double radius = 2;
        int levels = blocksPerLevel.size();
        for (int level = 1; level <= levels; level++) {
            radius += blocksPerLevel.get(level - 1) * BLOCK_RADIUS / Math.pow(2, levels - level);
        }
        return OptionalInt.of((int) Math.ceil(radius));
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and validates {@code file}; problems name the file and the field. */
    public static ModelCard read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read model card: " + firstLine(e.getMessage()), e);
        }
        String id = text(file, root, "id");
        int scale = root.path("scale").asInt(0);
        if (scale != 2 && scale != 4) {
            throw new ModelException(file + ": field scale must be 2 or 4, got " + root.path("scale"));
        }
        JsonNode onnx = root.path("onnx");
        List<Integer> blocks = new ArrayList<>();
        root.path("architecture").path("blocks_per_level").forEach(n -> blocks.add(n.asInt()));
        String up = text(file, onnx.path("up"), "sha256", "onnx.up.sha256");
        Optional<String> lrGrad = Optional.empty();
        if (onnx.has("lr_grad")) {
            lrGrad = Optional.of(text(file, onnx.path("lr_grad"), "sha256", "onnx.lr_grad.sha256"));
            // A gradient graph holds its own copy of the network's weights: one made from another up.onnx would
            // optimise LRs for a network that does not serve them.
            String madeFor = text(file, onnx.path("lr_grad"), "up_sha256", "onnx.lr_grad.up_sha256");
            if (!madeFor.equalsIgnoreCase(up)) {
                throw new ModelException(file + ": field onnx.lr_grad.up_sha256 is " + madeFor + " but onnx.up.sha256 "
                        + "is " + up + ": lr_grad.onnx was made from another up.onnx (re-run models.train.export_grad)");
            }
        }
        return new ModelCard(id, scale, text(file, onnx.path("down"), "sha256", "onnx.down.sha256"), up, blocks,
                lrGrad);
    }

    private static String text(Path file, JsonNode node, String field) {
        return text(file, node, field, field);
    }

    private static String text(Path file, JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ModelException(file + ": missing text field " + path);
        }
        return value.asText();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
