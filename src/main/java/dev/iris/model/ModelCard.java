package dev.iris.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code model.json} says about a model pack, as far as serving needs it; the file holds more (training data,
 * metrics), which stays in the file.
 *
 * @param id         stable identifier, also the directory name
 * @param scale      the downscaling factor: 2 or 4
 * @param downSha256 SHA-256 of {@code down.onnx} ({@code onnx.down.sha256}), checked at load
 * @param upSha256   SHA-256 of {@code up.onnx} ({@code onnx.up.sha256}), checked at load
 */
public record ModelCard(String id, int scale, String downSha256, String upSha256) {
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
        return new ModelCard(id, scale, text(file, onnx.path("down"), "sha256", "onnx.down.sha256"),
                text(file, onnx.path("up"), "sha256", "onnx.up.sha256"));
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
