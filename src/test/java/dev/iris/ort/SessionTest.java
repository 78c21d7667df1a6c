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

    /**
     * A session opened wider for lone runs runs a control marked alone on its wider pool: during such a run another
     * thread of the process works beside the caller (Linux's per-thread CPU times), during a narrow run none does;
     * the outputs are the same.
     */
    @Test
    void run_markedAlone_usesTheWiderPool_withTheSameOutput() throws Exception {
        SessionOptions options = SessionOptions.defaults().withIntraOpThreads(1).withAloneIntraOpThreads(2);
        float[] lr = new float[3 * 256 * 256];
        Random random = new Random(7);
        for (int i = 0; i < lr.length; i++) {
            lr[i] = random.nextFloat();
        }
        try (Session session = ORT.open(Path.of("models/irn-x2-small/up.onnx"), options);
                RunControl control = ORT.newRunControl(); Arena arena = Arena.ofConfined()) {
            assertTrue(session.widensAlone());
            Map<String, FloatTensor> in = Map.of("lr", FloatTensor.copyOf(arena, lr, 1, 3, 256, 256));
            session.run(in, control).close(); // warm-up: the arena's first growth, the JIT's first calls
            ThreadWork narrow = ThreadWork.during(() -> run(session, in, control));
            control.runAlone(true);
            ThreadWork alone = ThreadWork.during(() -> run(session, in, control));
            assertEquals(0, narrow.busyOthers(), "threads beside the caller busy during a narrow run");
            assertTrue(alone.busyOthers() >= 1, "no thread beside the caller busy during a lone run");
            assertArrayEquals(narrow.output(), alone.output());
        }
        try (Session session = ORT.open(TestModels.bytes("add.onnx"), SessionOptions.defaults()
                .withIntraOpThreads(2).withAloneIntraOpThreads(2))) {
            assertTrue(!session.widensAlone(), "no wider session when the widths are equal");
        }
    }

    private static float[] run(Session session, Map<String, FloatTensor> in, RunControl control) {
        try (RunResult result = session.run(in, control)) {
            return result.tensor("hr").toArray();
        }
    }

    /** Threads of this process other than the caller busy for over a quarter of a call's wall time (shared cores). */
    private record ThreadWork(int busyOthers, float[] output) {
        static ThreadWork during(java.util.function.Supplier<float[]> call) throws Exception {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            Map<String, Long> before = cpuTicks();
            long start = System.nanoTime();
            float[] output = call.get();
            double wallTicks = (System.nanoTime() - start) / 1e9 * 100; // USER_HZ is 100 on Linux
            Map<String, Long> after = cpuTicks();
            int busy = 0;
            for (var e : after.entrySet()) {
                long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                if (!e.getKey().equals(self) && used > wallTicks / 4) {
                    busy++;
                }
            }
            return new ThreadWork(busy, output);
        }

        /** utime + stime of every thread, in clock ticks (fields 14 and 15 of /proc/self/task/TID/stat). */
        private static Map<String, Long> cpuTicks() throws java.io.IOException {
            Map<String, Long> ticks = new java.util.HashMap<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.put(task.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // a thread that ended meanwhile
                    }
                }
            }
            return ticks;
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
