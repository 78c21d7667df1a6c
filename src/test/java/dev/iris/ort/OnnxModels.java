package dev.iris.ort;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the tiny ONNX models the ORT tests run, by writing the ModelProto protobuf directly (no Python needed).
 * {@link #main} writes them to {@code src/test/resources/onnx/}; {@code OnnxModelsTest} checks that the committed
 * files are exactly what this code makes.
 *
 * <p>Field numbers are those of {@code onnx.proto} (IR version 8, opset 17).
 */
final class OnnxModels {
    static final int FLOAT = 1;

    private OnnxModels() {}

    /** {@code sum = a + b} over float vectors of any length {@code n}. */
    static byte[] add() {
        return model(graph("add",
                List.of(node("Add", List.of("a", "b"), List.of("sum"), List.of())),
                List.of(),
                List.of(valueInfo("a", "n"), valueInfo("b", "n")),
                List.of(valueInfo("sum", "n"))));
    }

    /** A 3x3 convolution, 3 channels in and out, zero padding 1, weights {@link #convWeight} and bias {@link #convBias}. */
    static byte[] conv() {
        float[] weights = new float[3 * 3 * 3 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = convWeight(i);
        }
        float[] bias = {convBias(0), convBias(1), convBias(2)};
        return model(graph("conv",
                List.of(node("Conv", List.of("x", "w", "b"), List.of("y"),
                        List.of(ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3)))),
                List.of(tensor("w", weights, 3, 3, 3, 3), tensor("b", bias, 3)),
                List.of(valueInfo("x", 1, 3, "h", "w")),
                List.of(valueInfo("y", 1, 3, "h", "w"))));
    }

    /** Weight {@code i} of the conv model, in ONNX's [out][in][ky][kx] order: small, varied, deterministic. */
    static float convWeight(int i) {
        return ((i * 37) % 17 - 8) / 40f;
    }

    static float convBias(int channel) {
        return 0.1f * (channel - 1);
    }

    /**
     * {@code depth} chained 16-channel 3x3 convolutions sharing one weight: a model whose run time grows with
     * the input size, for cancellation tests.
     */
    static byte[] slow(int depth) {
        float[] weights = new float[16 * 16 * 9];
        java.util.Arrays.fill(weights, 1f / (16 * 9));
        List<byte[]> nodes = new ArrayList<>();
        String previous = "x";
        for (int i = 0; i < depth; i++) {
            String next = i == depth - 1 ? "y" : "t" + i;
            nodes.add(node("Conv", List.of(previous, "w"), List.of(next),
                    List.of(ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3))));
            previous = next;
        }
        return model(graph("slow", nodes, List.of(tensor("w", weights, 16, 16, 3, 3)),
                List.of(valueInfo("x", 1, 16, "h", "w")), List.of(valueInfo("y", 1, 16, "h", "w"))));
    }

    /** Writes every model into {@code dir}, default {@code src/test/resources/onnx}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/onnx");
        Files.createDirectories(dir);
        Files.write(dir.resolve("add.onnx"), add());
        Files.write(dir.resolve("conv.onnx"), conv());
        Files.write(dir.resolve("slow.onnx"), slow(SLOW_DEPTH));
    }

    static final int SLOW_DEPTH = 600;

    // ---- ONNX messages

    private static byte[] model(byte[] graph) {
        return new Proto()
                .varint(1, 8) // ir_version
                .string(2, "iris-tests") // producer_name
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 17).bytes()) // opset_import
                .bytes();
    }

    private static byte[] graph(String name, List<byte[]> nodes, List<byte[]> initializers, List<byte[]> inputs,
            List<byte[]> outputs) {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        return graph.bytes();
    }

    private static byte[] node(String op, List<String> inputs, List<String> outputs, List<byte[]> attributes) {
        Proto node = new Proto();
        inputs.forEach(i -> node.string(1, i));
        outputs.forEach(o -> node.string(2, o));
        node.string(4, op);
        attributes.forEach(a -> node.message(5, a));
        return node.bytes();
    }

    private static byte[] ints(String name, long... values) {
        Proto attribute = new Proto().string(1, name);
        for (long v : values) {
            attribute.varint(8, v);
        }
        return attribute.varint(20, 7).bytes(); // type INTS
    }

    private static byte[] tensor(String name, float[] values, long... dims) {
        Proto tensor = new Proto();
        for (long d : dims) {
            tensor.varint(1, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return tensor.varint(2, FLOAT).string(8, name).field(9, raw.array()).bytes();
    }

    /** A float tensor value-info; each dim is a {@code Long} size or a {@code String} symbolic name. */
    private static byte[] valueInfo(String name, Object... dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            Proto d = new Proto();
            if (dim instanceof String symbol) {
                d.string(2, symbol);
            } else {
                d.varint(1, ((Number) dim).longValue());
            }
            shape.message(1, d.bytes());
        }
        byte[] tensorType = new Proto().varint(1, FLOAT).message(2, shape.bytes()).bytes();
        byte[] type = new Proto().message(1, tensorType).bytes();
        return new Proto().string(1, name).message(2, type).bytes();
    }

    /** A minimal protobuf writer: varints and length-delimited fields are all ONNX models need. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return field(field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Proto message(int field, byte[] message) {
            return field(field, message);
        }

        Proto field(int field, byte[] payload) {
            raw(((long) field << 3) | 2);
            raw(payload.length);
            out.writeBytes(payload);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
