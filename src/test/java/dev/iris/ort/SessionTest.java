package dev.iris.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    private static final OrtRuntime ORT = OrtRuntime.get();

    @Test
    void run_add_computesSums() {
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            var a = FloatTensor.copyOf(arena, new float[] {1, 2, 3}, 3);
            var b = FloatTensor.copyOf(arena, new float[] {10, 20, 30.5f}, 3);
            try (RunResult result = session.run(Map.of("a", a, "b", b))) {
                FloatTensor sum = result.tensor("sum");
                assertEquals(List.of(3L), sum.shape());
                assertArrayEquals(new float[] {11, 22, 33.5f}, sum.toArray());
            }
        }
    }

    @Test
    void endProfiling_writesATraceWithEveryOperatorRun(@TempDir Path dir) throws Exception {
        SessionOptions profiled = SessionOptions.defaults().withProfiling(dir.resolve("add"));
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), profiled); Arena arena = Arena.ofConfined()) {
            var a = FloatTensor.copyOf(arena, new float[] {1, 2}, 2);
            for (int i = 0; i < 3; i++) {
                session.run(Map.of("a", a, "b", a)).close();
            }
            Path trace = session.endProfiling();
            assertEquals(dir, trace.toAbsolutePath().getParent());
            assertTrue(trace.getFileName().toString().startsWith("add"), trace.toString());
            var events = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trace.toFile());
            long addRuns = 0;
            for (var event : events) {
                if (event.path("cat").asText().equals("Node") && event.path("args").path("op_name").asText()
                        .equals("Add") && event.path("name").asText().endsWith("_kernel_time")) {
                    addRuns++;
                }
            }
            assertEquals(3, addRuns, events.toString());
        }
    }

    @Test
    void runConfig_shrinksTheArena_andIsRejectedWithoutOne() {
        for (boolean arena : new boolean[] {true, false}) {
            SessionOptions options = SessionOptions.defaults().withCpuArena(arena);
            try (Session session = ORT.open(TestModels.bytes("add.onnx"), options);
                    Arena memory = Arena.ofConfined();
                    RunControl control = ORT.newRunControl(options.runConfig())) {
                var a = FloatTensor.copyOf(memory, new float[] {1, 2}, 2);
                try (RunResult result = session.run(Map.of("a", a, "b", a), control)) {
                    assertArrayEquals(new float[] {2, 4}, result.tensor("sum").toArray(), "arena " + arena);
                }
            }
        }
        // Why runConfig() asks for shrinkage only with the arena on: ORT fails the run otherwise.
        SessionOptions noArena = SessionOptions.defaults().withCpuArena(false);
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), noArena);
                Arena memory = Arena.ofConfined();
                RunControl control = ORT.newRunControl(SessionOptions.defaults().runConfig())) {
            var a = FloatTensor.copyOf(memory, new float[] {1, 2}, 2);
            OrtException e = assertThrows(OrtException.class, () -> session.run(Map.of("a", a, "b", a), control));
            assertTrue(e.getMessage().contains("arena"), e.getMessage());
        }
    }

    @Test
    void inputsAndOutputs_describeNamesTypesAndDynamicShapes() {
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults())) {
            assertEquals(List.of(new TensorInfo("x", ElementType.FLOAT, List.of(1L, 3L, -1L, -1L))), session.inputs());
            assertEquals(List.of(new TensorInfo("y", ElementType.FLOAT, List.of(1L, 3L, -1L, -1L))), session.outputs());
            assertEquals("CPUExecutionProvider", session.provider());
        }
    }

    @Test
    void run_conv_matchesAJavaConvolution() {
        int h = 7, w = 9;
        float[] x = random(3 * h * w, 1);
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined();
                RunResult result = session.run(Map.of("x", FloatTensor.copyOf(arena, x, 1, 3, h, w)))) {
            FloatTensor y = result.tensor("y");
            assertEquals(List.of(1L, 3L, (long) h, (long) w), y.shape());
            assertArrayEquals(referenceConv(x, h, w), y.toArray(), 1e-5f);
        }
    }

    @Test
    void open_fromFile_behavesLikeFromBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conv.onnx");
        Files.write(file, TestModels.bytes("conv.onnx"));
        float[] x = random(3 * 4 * 5, 2);
        try (Session session = ORT.open(file, SessionOptions.defaults().withIntraOpThreads(1));
                Arena arena = Arena.ofConfined();
                RunResult result = session.run(Map.of("x", FloatTensor.copyOf(arena, x, 1, 3, 4, 5)))) {
            assertArrayEquals(referenceConv(x, 4, 5), result.first().toArray(), 1e-5f);
        }
    }

    @Test
    void open_missingFile_reportsOrtsMessage() {
        var e = assertThrows(OrtException.class, () -> ORT.open(Path.of("/nonexistent/model.onnx"),
                SessionOptions.defaults()));
        assertEquals(OrtErrorCode.NO_SUCHFILE, e.code());
        assertTrue(e.getMessage().contains("doesn't exist"), e.getMessage());
    }

    @Test
    void open_badBytes_reportsOrtsMessage() {
        byte[] garbage = "this is not an onnx model".getBytes();
        var e = assertThrows(OrtException.class, () -> ORT.open(garbage, SessionOptions.defaults()));
        assertEquals(OrtErrorCode.INVALID_PROTOBUF, e.code());
        assertTrue(e.getMessage().toLowerCase().contains("protobuf"), e.getMessage());
    }

    @Test
    void run_wrongInputName_reportsOrtsMessage() {
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            var t = FloatTensor.copyOf(arena, new float[] {1}, 1);
            var e = assertThrows(OrtException.class, () -> session.run(Map.of("a", t, "nope", t)));
            assertEquals(OrtErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("Invalid input name: nope"), e.getMessage());
        }
    }

    @Test
    void run_wrongShape_reportsOrtsMessage() {
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            var fourChannels = FloatTensor.allocate(arena, 1, 4, 5, 5);
            var e = assertThrows(OrtException.class, () -> session.run(Map.of("x", fourChannels)));
            assertEquals(OrtErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("Got invalid dimensions for input: x"), e.getMessage());
        }
    }

    @Test
    void run_wrongRank_reportsOrtsMessage() {
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            var rank3 = FloatTensor.allocate(arena, 3, 5, 5);
            var e = assertThrows(OrtException.class, () -> session.run(Map.of("x", rank3)));
            assertEquals(OrtErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("Invalid rank for input: x"), e.getMessage());
        }
    }

    @Test
    void runInto_writesIntoCallerMemory() {
        float[] x = random(3 * 6 * 6, 3);
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            FloatTensor y = FloatTensor.allocate(arena, 1, 3, 6, 6);
            session.runInto(Map.of("x", FloatTensor.copyOf(arena, x, 1, 3, 6, 6)), Map.of("y", y), null);
            assertArrayEquals(referenceConv(x, 6, 6), y.toArray(), 1e-5f);
        }
    }

    @Test
    void ioBinding_runsRepeatedlyOnBoundBuffers() {
        float[] x = random(3 * 5 * 4, 4);
        try (Session session = ORT.open(TestModels.bytes("conv.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            FloatTensor in = FloatTensor.copyOf(arena, x, 1, 3, 5, 4);
            FloatTensor out = FloatTensor.allocate(arena, 1, 3, 5, 4);
            try (IoBinding binding = session.bind().input("x", in).output("y", out)) {
                binding.run(null);
                assertArrayEquals(referenceConv(x, 5, 4), out.toArray(), 1e-5f);
                float[] x2 = random(x.length, 5);
                in.data().copyFrom(FloatTensor.copyOf(arena, x2, 1, 3, 5, 4).data());
                binding.run(null);
                assertArrayEquals(referenceConv(x2, 5, 4), out.toArray(), 1e-5f);
            }
            try (IoBinding binding = session.bind().input("x", in).outputToCpu("y");
                    RunResult result = runAndCollect(binding)) {
                assertArrayEquals(out.toArray(), result.tensor("y").toArray());
            }
        }
    }

    private static RunResult runAndCollect(IoBinding binding) {
        binding.run(null);
        return binding.outputs();
    }

    @Test
    void cudaRequest_onCpuBuild_fallsBackToCpu() {
        var options = SessionOptions.defaults().withProvider(ExecutionProvider.cuda(0));
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), options); Arena arena = Arena.ofConfined()) {
            assertEquals("CPUExecutionProvider", session.provider());
            var t = FloatTensor.copyOf(arena, new float[] {2}, 1);
            try (RunResult result = session.run(Map.of("a", t, "b", t))) {
                assertArrayEquals(new float[] {4}, result.first().toArray());
            }
        }
    }

    @Test
    void closedSession_throwsInsteadOfCrashing() {
        Session session = ORT.open(TestModels.bytes("add.onnx"), SessionOptions.defaults());
        session.close();
        session.close(); // idempotent
        try (Arena arena = Arena.ofConfined()) {
            var t = FloatTensor.copyOf(arena, new float[] {1}, 1);
            var e = assertThrows(IllegalStateException.class, () -> session.run(Map.of("a", t, "b", t)));
            assertEquals("session is closed", e.getMessage());
        }
    }

    @Test
    void closedResult_tensorsThrowInsteadOfReadingFreedMemory() {
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), SessionOptions.defaults());
                Arena arena = Arena.ofConfined()) {
            var t = FloatTensor.copyOf(arena, new float[] {1}, 1);
            RunResult result = session.run(Map.of("a", t, "b", t));
            FloatTensor sum = result.tensor("sum");
            result.close();
            assertThrows(IllegalStateException.class, sum::toArray);
        }
    }

    static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    /** The conv fixture computed directly: 3x3 kernel, zero padding 1, NCHW. */
    static float[] referenceConv(float[] x, int h, int w) {
        float[] y = new float[3 * h * w];
        for (int o = 0; o < 3; o++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    double sum = OnnxModels.convBias(o);
                    for (int i = 0; i < 3; i++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int rr = r + ky - 1, cc = c + kx - 1;
                                if (rr >= 0 && rr < h && cc >= 0 && cc < w) {
                                    sum += OnnxModels.convWeight(((o * 3 + i) * 3 + ky) * 3 + kx)
                                            * x[(i * h + rr) * w + cc];
                                }
                            }
                        }
                    }
                    y[(o * h + r) * w + c] = (float) sum;
                }
            }
        }
        return y;
    }
}
