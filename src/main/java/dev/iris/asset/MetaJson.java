package dev.iris.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iris.model.Scale;
import java.io.IOException;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * {@link AssetMeta} to and from its JSON file. Stateless. Reading accepts every shape iris has written: a file
 * without {@code "codec"} predates codecs, when every LR was PNG; one without {@code "storedBytes"} or
 * {@code "sourceBytes"} predates byte counts, which then read as unknown; one without {@code "optimizeIterations"}
 * holds a plain LR.
 */
final class MetaJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetaJson() {}

    /** Metadata and the exact bytes stored for it. */
    record Written(AssetMeta meta, byte[] json) {}

    /**
     * {@code meta} with its {@code storedBytes} set to {@code payloadBytes} plus the size of the JSON that records
     * it, and that JSON. The count is part of what it counts, so it is settled by writing until the size stops
     * changing (twice, or three times when the count gains a digit).
     */
    static Written withStoredBytes(AssetMeta meta, long payloadBytes) {
        long guess = payloadBytes;
        while (true) {
            AssetMeta counted = meta.withStoredBytes(guess);
            byte[] json = write(counted);
            if (payloadBytes + json.length == guess) {
                return new Written(counted, json);
            }
            guess = payloadBytes + json.length;
        }
    }

    static byte[] write(AssetMeta meta) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", meta.name())
                .put("version", meta.version())
                .put("codec", meta.codec())
                .put("width", meta.width())
                .put("height", meta.height())
                .put("lrWidth", meta.lrWidth())
                .put("lrHeight", meta.lrHeight())
                .put("scaleX", meta.scale().x())
                .put("scaleY", meta.scale().y())
                .put("modelId", meta.modelId())
                .put("modelSha256", meta.modelSha256())
                .put("sourceSha256", meta.sourceSha256())
                .put("alpha", meta.hasAlpha() ? "plane" : "none")
                .put("created", meta.created().toString());
        if (meta.scale().x() == meta.scale().y()) { // as metadata had it before scales could differ per axis
            writeScale(node, meta.scale().x());
        }
        if (Double.isFinite(meta.roundTripPsnrY())) {
            node.put("roundTripPsnrY", Math.round(meta.roundTripPsnrY() * 1000) / 1000.0);
        } else {
            node.put("roundTripPsnrY", "Infinity");
        }
        meta.storedBytes().ifPresent(bytes -> node.put("storedBytes", bytes));
        meta.sourceBytes().ifPresent(bytes -> node.put("sourceBytes", bytes));
        if (meta.optimizeIterations() > 0) { // written only when optimised: plain metadata stays as it was
            node.put("optimizeIterations", meta.optimizeIterations());
        }
        if (meta.optimizeHrIterations() > 0) {
            node.put("optimizeHrIterations", meta.optimizeHrIterations());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing JSON to memory", e);
        }
    }

    static AssetMeta read(byte[] bytes) throws IOException {
        JsonNode n = JSON.readTree(bytes);
        return new AssetMeta(
                text(n, "name"), text(n, "version"), n.has("codec") ? text(n, "codec") : PngLrCodec.ID,
                n.path("width").asInt(), n.path("height").asInt(),
                n.path("lrWidth").asInt(), n.path("lrHeight").asInt(), scale(n),
                text(n, "modelId"), text(n, "modelSha256"), text(n, "sourceSha256"),
                "plane".equals(n.path("alpha").asText()), Instant.parse(text(n, "created")),
                n.path("roundTripPsnrY").isNumber() ? n.path("roundTripPsnrY").asDouble() : Double.POSITIVE_INFINITY,
                count(n, "storedBytes"), count(n, "sourceBytes"), n.path("optimizeIterations").asInt(0),
                n.path("optimizeHrIterations").asInt(0));
    }

    private static void writeScale(ObjectNode node, double scale) {
        if (scale == Math.rint(scale)) {
            node.put("scale", (int) scale);
        } else {
            node.put("scale", scale);
        }
    }

    /** Both axes' scales; metadata from before they could differ has one {@code scale}. */
    private static Scale scale(JsonNode n) throws IOException {
        double x = n.has("scaleX") ? n.path("scaleX").asDouble() : n.path("scale").asDouble();
        double y = n.has("scaleY") ? n.path("scaleY").asDouble() : n.path("scale").asDouble();
        try {
            return new Scale(x, y);
        } catch (IllegalArgumentException e) {
            throw new IOException("field scale is not a positive scale");
        }
    }

    private static OptionalLong count(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IOException("field " + field + " is not a byte count");
        }
        return OptionalLong.of(value.asLong());
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException("missing text field " + field);
        }
        return value.asText();
    }
}
