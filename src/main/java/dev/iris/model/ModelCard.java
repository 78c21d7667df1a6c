package dev.iris.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What {@code model.json} says about a model pack, as far as serving needs it; the file holds more (training data,
 * metrics), which stays in the file.
 *
 * @param id         stable identifier, also the directory name
 * @param family     which contract the graphs follow ({@code architecture.family}), so which implementation runs them
 * @param scale      the integer factor between the graphs' HR and LR: 2 or 4 (for IRN the asset's scale; for the
 *                   arbitrary-scale family its core's, {@code architecture.core_scale})
 * @param minScale   the smallest scale the pack makes on either axis (IRN: {@code scale})
 * @param maxScale   the largest (IRN: {@code scale})
 * @param downSha256 SHA-256 of {@code down.onnx} ({@code onnx.down.sha256}), checked at load
 * @param upSha256   SHA-256 of {@code up.onnx} ({@code onnx.up.sha256}), checked at load
 * @param blocksPerLevel invertible blocks per Haar level ({@code architecture.blocks_per_level}); empty if unknown
 * @param lrGradSha256 SHA-256 of {@code lr_grad.onnx} ({@code onnx.lr_grad.sha256}), the gradient graph encode-time
 *                     optimisation follows; empty when the pack ships none (it then cannot optimise), checked at load
 *                     when present, as is {@code onnx.lr_grad.up_sha256}, the {@code up.onnx} it was made from
 * @param hrGradSha256 SHA-256 of {@code hr_grad.onnx} ({@code onnx.hr_grad.sha256}), the HR stage's gradient graph;
 *                     empty when the pack ships none (it then optimises the LR stage only); checked at load when
 *                     present, as are {@code onnx.hr_grad.down_sha256} and {@code up_sha256}, the graphs it was made
 *                     from
 * @param upSameFunctionAs earlier SHA-256s of {@code up.onnx} that compute the same function up to float rounding
 *                   ({@code onnx.up.same_function_as}): a graph re-laid out for speed (models/train/pad_channels.py)
 *                   keeps serving the assets made for the one it replaced; gradient graphs made from an earlier
 *                   {@code up.onnx} or {@code down.onnx} (also {@code onnx.down.same_function_as}) are accepted at load
 * @param lrCodec    the lossy codec the model was trained to be stored with ({@code lr_codec}): its LR is stored that
 *                   way, and restores well only from what that codec decodes to; empty for a lossless model, whose LR
 *                   is never stored lossily
 * @param supersededBy the id of the pack released to replace this one ({@code superseded_by}): new ingests take the
 *                   successor by default while this pack stays loaded to restore the assets it made (an LR is only
 *                   valid with the network that made it), so shipping a better model orphans nothing; empty for a
 *                   current pack
 */
public record ModelCard(String id, Family family, int scale, double minScale, double maxScale, String downSha256,
        String upSha256, List<Integer> blocksPerLevel, Optional<String> lrGradSha256, Optional<String> hrGradSha256,
        Set<String> upSameFunctionAs, Optional<LossyCodec> lrCodec, Optional<String> supersededBy) {
    /**
     * A lossy LR codec at one quality, as a compression-aware model's card names it.
     *
     * @param format  {@code "jpeg"}, the codec the training modelled (baseline JPEG, 4:2:0, libjpeg's tables)
     * @param quality the libjpeg quality, 1 to 100, it was trained for and is stored at
     */
    public record LossyCodec(String format, int quality) {
        public LossyCodec {
            if (!format.equals("jpeg")) {
                throw new IllegalArgumentException("lr_codec.format must be \"jpeg\", got \"" + format + "\"");
            }
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("lr_codec.quality must be 1..100, got " + quality);
            }
        }
    }

    /** The model families iris runs. */
    public enum Family {
        /** Invertible Rescaling Net at one integer scale: {@code hr -> lr} and {@code lr -> hr}. */
        IRN,
        /**
         * One network for any scale in a range, per axis ({@code architecture.family} "iarn"): an integer-scale core
         * conditioned on the scale (inputs {@code hr, scale} and {@code lr, scale}), with iris resampling around it.
         */
        IARN
    }

    /** An IRN card without gradient graphs. */
    public ModelCard(String id, int scale, String downSha256, String upSha256, List<Integer> blocksPerLevel) {
        this(id, Family.IRN, scale, scale, scale, downSha256, upSha256, blocksPerLevel, Optional.empty(),
                Optional.empty(), Set.of(), Optional.empty(), Optional.empty());
    }

    /** Radius in pixels of one invertible block's inverse: H and G (5 convs each) on y1, then F (5 convs). */
    private static final int BLOCK_RADIUS = 10;

    public ModelCard {
        blocksPerLevel = List.copyOf(blocksPerLevel);
        upSameFunctionAs = upSameFunctionAs.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(
                java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * Whether an asset whose metadata names {@code modelSha256} (the {@code up.onnx} that its LR was made for) is
     * restored by this pack: that graph, or one it computes the same function as.
     */
    public boolean restoresFor(String modelSha256) {
        return upSha256.equalsIgnoreCase(modelSha256)
                || upSameFunctionAs.contains(modelSha256.toLowerCase(Locale.ROOT));
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
        JsonNode architecture = root.path("architecture");
        Family family = "iarn".equals(architecture.path("family").asText()) ? Family.IARN : Family.IRN;
        int scale;
        double min, max;
        if (family == Family.IRN) {
            scale = integerScale(file, root.path("scale"), "scale");
            min = max = scale;
        } else {
            scale = integerScale(file, architecture.path("core_scale"), "architecture.core_scale");
            JsonNode range = architecture.path("scale_range");
            min = range.path(0).asDouble(0);
            max = range.path(1).asDouble(0);
            if (range.size() != 2 || !(min > 1) || !(max >= min) || max > Scale.MAX) {
                throw new ModelException(file + ": field architecture.scale_range must be [min, max] with 1 < min <= "
                        + "max <= " + (int) Scale.MAX + ", got " + range);
            }
            if (!"bicubic".equals(architecture.path("resample").asText())) {
                throw new ModelException(file + ": field architecture.resample must be \"bicubic\" (the resampler "
                        + "iris has), got " + architecture.path("resample"));
            }
        }
        JsonNode onnx = root.path("onnx");
        List<Integer> blocks = new ArrayList<>();
        architecture.path("blocks_per_level").forEach(n -> blocks.add(n.asInt()));
        String down = text(file, onnx.path("down"), "sha256", "onnx.down.sha256");
        String up = text(file, onnx.path("up"), "sha256", "onnx.up.sha256");
        Set<String> earlierDowns = earlier(onnx.path("down")), earlierUps = earlier(onnx.path("up"));
        Set<String> downs = with(earlierDowns, down), ups = with(earlierUps, up);
        Optional<String> lrGrad = gradient(file, onnx, "lr_grad", Map.of("up_sha256", ups));
        Optional<String> hrGrad = gradient(file, onnx, "hr_grad", Map.of("down_sha256", downs, "up_sha256", ups));
        JsonNode successor = root.path("superseded_by");
        if (!successor.isMissingNode() && (!successor.isTextual() || successor.asText().isBlank()
                || successor.asText().equals(id))) {
            throw new ModelException(file + ": field superseded_by must name another pack's id, got " + successor);
        }
        return new ModelCard(id, family, scale, min, max, down, up, blocks, lrGrad, hrGrad, earlierUps,
                lossyCodec(file, root), successor.isTextual() ? Optional.of(successor.asText()) : Optional.empty());
    }

    /** The SHA-256s a graph's {@code same_function_as} lists, lower case. */
    private static Set<String> earlier(JsonNode graph) {
        Set<String> hashes = new HashSet<>();
        graph.path("same_function_as").forEach(h -> hashes.add(h.asText().toLowerCase(Locale.ROOT)));
        return hashes;
    }

    /** {@code earlier} and the graph's own SHA-256: every version a gradient graph may have been made from. */
    private static Set<String> with(Set<String> earlier, String sha256) {
        Set<String> all = new HashSet<>(earlier);
        all.add(sha256.toLowerCase(Locale.ROOT));
        return all;
    }

    /** The card's {@code lr_codec}, when it names a lossy one ({@code "png"} or absent: lossless). */
    private static Optional<LossyCodec> lossyCodec(Path file, JsonNode root) {
        JsonNode codec = root.path("lr_codec");
        if (codec.isMissingNode() || codec.path("format").asText().equals("png")) {
            return Optional.empty();
        }
        JsonNode quality = codec.path("quality");
        try {
            if (!quality.isInt()) {
                throw new IllegalArgumentException("lr_codec.quality must be an integer, got " + quality);
            }
            return Optional.of(new LossyCodec(codec.path("format").asText(), quality.asInt()));
        } catch (IllegalArgumentException e) {
            throw new ModelException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The SHA-256 of gradient graph {@code key}, if the card lists it, after checking that it was made from the
     * graphs {@code madeFrom} names (field to SHA-256): a gradient graph holds its own copy of the network's
     * weights, and one made from another network would optimise for a network that does not serve.
     */
    private static Optional<String> gradient(Path file, JsonNode onnx, String key, Map<String, Set<String>> madeFrom) {
        if (!onnx.has(key)) {
            return Optional.empty();
        }
        for (var e : new TreeMap<>(madeFrom).entrySet()) {
            String field = "onnx." + key + "." + e.getKey(), stated = text(file, onnx.path(key), e.getKey(), field);
            if (!e.getValue().contains(stated.toLowerCase(Locale.ROOT))) {
                String graph = e.getKey().replace("_sha256", "");
                throw new ModelException(file + ": field " + field + " is " + stated + " but onnx." + graph
                        + ".sha256 is " + onnx.path(graph).path("sha256").asText() + ": " + key + ".onnx was made from "
                        + "another " + graph + ".onnx (re-run models.train.export_grad)");
            }
        }
        return Optional.of(text(file, onnx.path(key), "sha256", "onnx." + key + ".sha256"));
    }

    private static int integerScale(Path file, JsonNode node, String field) {
        int scale = node.asInt(0);
        if (scale != 2 && scale != 4) {
            throw new ModelException(file + ": field " + field + " must be 2 or 4, got " + node);
        }
        return scale;
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
