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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped pack's gradient graphs ({@code lr_grad.onnx}, the LR stage's, and {@code hr_grad.onnx}, the HR
 * stage's), loaded as the server loads them and run through our binding, give the loss and gradient PyTorch
 * autograd gave for the same inputs ({@code check/lr_grad/}, {@code check/hr_grad/}, written by
 * models/train/export_grad.py).
 */
class GradientContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<Arguments> packsWithGradients() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("models"))) {
            List<Path> packs = dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList();
            List<Arguments> cases = new ArrayList<>();
            for (Path pack : packs) { // every shipped lossless IRN pack is to ship both gradient graphs
                ModelCard card = ModelCard.read(pack.resolve("model.json"));
                if (card.family() != ModelCard.Family.IRN || card.lrCodec().isPresent()) {
                    continue; // the arbitrary-scale family has none yet; a compression-aware pack has no use for them
                }
                for (String graph : List.of("lr_grad", "hr_grad")) {
                    assertTrue(Files.isRegularFile(pack.resolve("check/" + graph + "/meta.json")),
                            pack + " has no " + graph + " fixture");
                    cases.add(Arguments.of(pack, graph));
                }
            }
            return cases;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("packsWithGradients")
    void gradientGraph_throughOurBinding_matchesPytorchAutograd(Path pack, String graph) throws IOException {
        Path check = pack.resolve("check/" + graph);
        JsonNode meta = JSON.readTree(check.resolve("meta.json").toFile());
        double tolerance = meta.get("tolerance_relative").asDouble();
        try (ModelPack opened = ModelPack.open(OrtRuntime.get(), pack, SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            Map<String, FloatTensor> inputs = new LinkedHashMap<>();
            meta.get("inputs").properties().forEach(e -> inputs.put(e.getKey(), read(arena, check, e.getValue())));
            Session session = (graph.equals("lr_grad") ? opened.lrGrad() : opened.hrGrad())
                    .orElseThrow(() -> new AssertionError(pack + " ships no " + graph + ".onnx")).session();
            try (RunResult result = session.run(inputs)) {
                for (String output : List.of("loss", "grad")) {
                    float[] expected = read(arena, check, meta.get("expected").get(output)).toArray();
                    float[] actual = result.tensor(output).toArray();
                    assertEquals(expected.length, actual.length, output);
                    double maxDiff = 0, maxAbs = 0;
                    for (int i = 0; i < actual.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
                        maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                    }
                    assertTrue(maxAbs > 0, output + " is all zero: the check would prove nothing");
                    assertFalse(Double.isNaN(maxDiff));
                    assertTrue(maxDiff <= tolerance * maxAbs, output + ": max abs difference " + maxDiff + " of "
                            + maxAbs);
                }
            }
        }
    }

    private static FloatTensor read(Arena arena, Path dir, JsonNode entry) {
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve(entry.get("file").asText()));
            long[] shape = new long[entry.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = entry.get("shape").get(i).asLong();
            }
            FloatTensor tensor = FloatTensor.allocate(arena, shape);
            assertEquals(tensor.data().byteSize(), bytes.length, entry + ": wrong size");
            MemorySegment.copy(MemorySegment.ofArray(bytes), ValueLayout.JAVA_BYTE, 0, tensor.data(),
                    ValueLayout.JAVA_BYTE, 0, bytes.length);
            return tensor;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
