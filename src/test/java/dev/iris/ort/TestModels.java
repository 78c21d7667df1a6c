package dev.iris.ort;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The committed ONNX fixtures under {@code src/test/resources/onnx/}, made by {@link OnnxModels}. */
final class TestModels {
    private TestModels() {}

    static byte[] bytes(String name) {
        try (InputStream in = TestModels.class.getResourceAsStream("/onnx/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test model " + name + "; run OnnxModels.main");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
