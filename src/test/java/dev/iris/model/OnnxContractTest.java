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
        if (meta.has("cases")) { // the arbitrary-scale family: named inputs (image and scale) per case
            var cases = meta.get("cases").fields();
            assertTrue(cases.hasNext(), check + ": no cases");
            while (cases.hasNext()) {
                var c = cases.next();
                for (String direction : List.of("down", "up")) {
                    JsonNode d = c.getValue().get(direction);
                    Map<String, Fixture> inputs = new java.util.LinkedHashMap<>();
                    d.get("inputs").fields().forEachRemaining(i -> inputs.put(i.getKey(),
                            new Fixture(check.resolve(c.getKey()).resolve(i.getValue().get(0).asText()),
                                    shape(i.getValue().get(1)))));
                    Fixture expected = new Fixture(check.resolve(c.getKey()).resolve(d.get("expected").get(0).asText()),
                            shape(d.get("expected").get(1)));
                    compare(c.getKey() + " " + direction, modelDir.resolve(direction + ".onnx"), inputs,
                            d.get("output_name").asText(), expected, tolerance);
                }
            }
            return;
        }
        for (String direction : List.of("down", "up")) {
            JsonNode d = meta.get(direction);
            compare(direction, modelDir.resolve(d.get("model").asText()),
                    Map.of(d.get("input_name").asText(), new Fixture(check.resolve(d.get("input").asText()),
                            shape(d.get("input_shape")))),
                    d.get("output_name").asText(),
                    new Fixture(check.resolve(d.get("expected").asText()), shape(d.get("expected_shape"))), tolerance);
        }
    }

    /** A raw little-endian float32 file and the shape it holds. */
    private record Fixture(Path file, long[] shape) {}

    private static void compare(String what, Path model, Map<String, Fixture> inputs, String outputName,
            Fixture expected, double tolerance) throws IOException {
        try (Session session = OrtRuntime.get().open(model, SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            Map<String, FloatTensor> tensors = new java.util.LinkedHashMap<>();
            for (var input : inputs.entrySet()) {
                tensors.put(input.getKey(), read(arena, input.getValue().file(), input.getValue().shape()));
            }
            float[] want = read(arena, expected.file(), expected.shape()).toArray();
            try (RunResult result = session.run(tensors)) {
                FloatTensor out = result.tensor(outputName);
                assertEquals(java.util.Arrays.toString(expected.shape()).replace(" ", ""),
                        out.shape().toString().replace(" ", ""), what);
                float[] actual = out.toArray();
                double maxDiff = 0;
                for (int i = 0; i < actual.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - want[i]));
                }
                assertTrue(maxDiff <= tolerance, what + ": max abs difference " + maxDiff);
                assertFalse(Double.isNaN(maxDiff));
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
