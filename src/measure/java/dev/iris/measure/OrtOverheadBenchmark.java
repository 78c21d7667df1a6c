package dev.iris.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunResult;
import dev.iris.ort.Session;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-call cost of iris's FFM binding against ONNX Runtime's official JNI Java API, on the same library version,
 * model and thread settings. Run with {@code ./iris bench-ort}; writes {@code docs/ORT-OVERHEAD.md}. The JNI
 * classes come from ONNX Runtime's official jar, which iris ships only for its native library.
 *
 * <p>Each binding runs in its own child JVM, since one process must not load two copies of ORT, and the
 * children alternate so that drift on a shared machine hits both alike. Both sides do the same work per call:
 * wrap an existing direct input buffer, run, copy the output into a Java {@code float[]}.
 */
public final class OrtOverheadBenchmark {
    private record Workload(String name, String model, long[] shape, int intraThreads, int calls) {}

    private static final List<Workload> WORKLOADS = List.of(
            new Workload("tiny (Add, 16 floats)", "add.onnx", new long[] {16}, 1, 20_000),
            new Workload("1-megapixel 3x3 conv (3x1000x1000)", "conv.onnx", new long[] {1, 3, 1000, 1000}, 2, 60));
    private static final int ROUNDS = 5;
    /** Time-based warm-up: the FFM downcalls reach full speed only once C2 has compiled the call path. */
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    /** The entry point of the child JVMs: {@code child ffm} or {@code child jni}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("child") || !List.of("ffm", "jni").contains(args[1])) {
            throw new IllegalArgumentException("usage: child ffm|jni (run the benchmark with ./iris bench-ort)");
        }
        child(args[1]);
    }

    /** Runs both bindings in alternating child JVMs and writes the Markdown table to {@code out}. */
    static void run(Path out) throws IOException, InterruptedException {
        List<double[]> ffm = new ArrayList<>(), jni = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            ffm.add(spawn("ffm"));
            jni.add(spawn("jni"));
        }
        StringBuilder md = new StringBuilder();
        md.append("# ORT per-call overhead: iris FFM binding vs ONNX Runtime's JNI API\n\n")
                .append("Command: `./iris bench-ort`. Date: ").append(LocalDate.now()).append(". Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.arch")).append(", JDK ").append(System.getProperty("java.version"))
                .append(", ONNX Runtime ").append(ortVersion()).append(" (CPU) for both.\n\n")
                .append("Each number is the median over ").append(ROUNDS)
                .append(" alternating child JVMs of the mean time per call (wrap input, run, copy output to a ")
                .append("float[]), after 3 s of warm-up in each JVM. Ratio < 1 means the FFM path is faster.\n\n")
                .append("| workload | FFM µs/call | JNI µs/call | FFM / JNI |\n|---|---:|---:|---:|\n");
        for (int w = 0; w < WORKLOADS.size(); w++) {
            double f = median(ffm, w), j = median(jni, w);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f |%n", WORKLOADS.get(w).name(), f, j, f / j));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.print(md);
    }

    private static String ortVersion() {
        return OrtRuntime.get().version();
    }

    private static double median(List<double[]> rounds, int workload) {
        double[] values = rounds.stream().mapToDouble(r -> r[workload]).sorted().toArray();
        return values[values.length / 2];
    }

    private static double[] spawn(String binding) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), OrtOverheadBenchmark.class.getName(), "child", binding)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new String(child.getInputStream().readAllBytes()).strip();
        if (child.waitFor() != 0) {
            throw new IllegalStateException(binding + " child failed: " + line);
        }
        return Arrays.stream(line.split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    /** Prints the mean µs per call of each workload, space-separated. */
    private static void child(String binding) throws Exception {
        StringBuilder line = new StringBuilder();
        for (Workload workload : WORKLOADS) {
            byte[] model = model(workload.model());
            int n = (int) Arrays.stream(workload.shape()).reduce(1, Math::multiplyExact);
            float[] input = new float[n];
            for (int i = 0; i < n; i++) {
                input[i] = (i % 255) / 255f;
            }
            Runnable call = binding.equals("ffm") ? ffm(model, workload, input) : jni(model, workload, input);
            long warmUntil = System.nanoTime() + WARM_UP_NANOS; // JIT (the FFM path needs C2), ORT's arena
            while (System.nanoTime() < warmUntil) {
                call.run();
            }
            long start = System.nanoTime();
            for (int i = 0; i < workload.calls(); i++) {
                call.run();
            }
            line.append(String.format(Locale.ROOT, "%.3f ", (System.nanoTime() - start) / 1e3 / workload.calls()));
        }
        System.out.println(line.toString().strip());
        System.exit(0); // sessions stay open: the process is done
    }

    private static Runnable ffm(byte[] model, Workload workload, float[] input) {
        Session session = OrtRuntime.get().open(model,
                SessionOptions.defaults().withIntraOpThreads(workload.intraThreads()));
        FloatTensor tensor = FloatTensor.copyOf(Arena.global(), input, workload.shape());
        Map<String, FloatTensor> inputs = session.inputs().size() == 2
                ? Map.of("a", tensor, "b", tensor) : Map.of("x", tensor);
        float[][] sink = new float[1][];
        return () -> {
            try (RunResult result = session.run(inputs)) {
                sink[0] = result.first().toArray();
            }
        };
    }

    private static Runnable jni(byte[] model, Workload workload, float[] input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(workload.intraThreads());
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0"); // as iris's default
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        OrtSession session = env.createSession(model, options);
        FloatBuffer direct = ByteBuffer.allocateDirect(input.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(input).flip();
        boolean twoInputs = session.getNumInputs() == 2;
        float[][] sink = new float[1][];
        return () -> {
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, direct, workload.shape());
                    OrtSession.Result result = session.run(
                            twoInputs ? Map.of("a", tensor, "b", tensor) : Map.of("x", tensor))) {
                FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
                sink[0] = new float[output.remaining()];
                output.get(sink[0]);
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static byte[] model(String name) throws IOException {
        try (InputStream in = OrtOverheadBenchmark.class.getResourceAsStream("/onnx/" + name)) {
            return in.readAllBytes();
        }
    }
}
