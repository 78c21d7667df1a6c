package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The committed fixtures are exactly what {@link OnnxModels} builds, so the code beside them explains them. */
class OnnxModelsTest {
    @Test
    void committedFixtures_matchTheirGenerator() {
        assertArrayEquals(OnnxModels.add(), TestModels.bytes("add.onnx"));
        assertArrayEquals(OnnxModels.conv(), TestModels.bytes("conv.onnx"));
        assertArrayEquals(OnnxModels.slow(OnnxModels.SLOW_DEPTH), TestModels.bytes("slow.onnx"));
    }
}
