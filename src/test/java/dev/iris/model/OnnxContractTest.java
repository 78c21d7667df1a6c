package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunResult;
import dev.iris.ort.Session;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every exported graph gives, through our FFM binding, what PyTorch gave for the same input: each shipped model's
 * {@code check/} fixtures, and the converter's output for a random-weight network with the official IRN layout
 * ({@code src/test/resources/irn-convert/}). The expected values were written by the Python export scripts.
 */
class OnnxContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> checkDirs() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path root : List.of(Path.of("models"), Path.of("src/test/resources/irn-convert"))) {
            try (Stream<Path> children = Files.list(root)) {
                children.filter(Files::isDirectory).sorted().forEach(d -> {
                    if (Files.isRegularFile(d.resolve("check/meta.json"))) {
                        dirs.add(d.resolve("check"));
                    } else if (Files.isRegularFile(d.resolve("meta.json"))) {
                        dirs.add(d);
                    }
                });
            }
        }
        return dirs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkDirs")
    void ortMatchesPytorch_inBothDirections(Path check) throws IOException {
        JsonNode meta = JSON.readTree(check.resolve("meta.json").toFile());
        Path modelDir = Files.isRegularFile(check.resolve("down.onnx")) ? check : check.getParent();
        double tolerance = meta.path("tolerance_max_abs").asDouble(1e-4);
        for (String direction : List.of("down", "up")) {
            JsonNode d = meta.get(direction);
            try (Session session = OrtRuntime.get().open(modelDir.resolve(d.get("model").asText()),
                    SessionOptions.defaults());
                    Arena arena = Arena.ofConfined()) {
                FloatTensor input = read(arena, check.resolve(d.get("input").asText()), shape(d.get("input_shape")));
                float[] expected = read(arena, check.resolve(d.get("expected").asText()),
                        shape(d.get("expected_shape"))).toArray();
                try (RunResult result = session.run(Map.of(d.get("input_name").asText(), input))) {
                    FloatTensor out = result.tensor(d.get("output_name").asText());
                    assertEquals(d.get("expected_shape").toString(), out.shape().toString().replace(" ", ""));
                    float[] actual = out.toArray();
                    double maxDiff = 0;
                    for (int i = 0; i < actual.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
                    }
                    assertTrue(maxDiff <= tolerance, direction + ": max abs difference " + maxDiff);
                    assertFalse(Double.isNaN(maxDiff));
                }
            }
        }
    }

    private static long[] shape(JsonNode node) {
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.get(i).asLong();
        }
        return shape;
    }

    private static FloatTensor read(Arena arena, Path file, long[] shape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        FloatTensor tensor = FloatTensor.allocate(arena, shape);
        assertEquals(tensor.data().byteSize(), bytes.length, file + " has the wrong size for " + List.of(shape));
        MemorySegment.copy(MemorySegment.ofArray(bytes), ValueLayout.JAVA_BYTE, 0, tensor.data(),
                ValueLayout.JAVA_BYTE, 0, bytes.length);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("fixtures are little-endian");
        }
        return tensor;
    }
}
