package dev.iris.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONNX Runtime's profile of a session (its Chrome-trace JSON), summed per operator type and, for convolutions, per
 * channel shape, over every run but the first (the warm-up). Immutable.
 *
 * @param runs      runs counted
 * @param runMs     wall time of those runs inside ORT ({@code model_run} events), ms, summed
 * @param operators per operator type ({@code Conv}, {@code FusedConv}, {@code Concat}, ...), most time first
 * @param convs     per convolution shape ({@code in->out channels, kernel}), most time first
 */
record OrtTrace(int runs, double runMs, List<Op> operators, List<Conv> convs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One operator type: kernel calls and time per run, summed over its nodes. */
    record Op(String name, double callsPerRun, double msPerRun) {}

    /** Convolutions of one shape: time per run and the FLOPs they did, for their achieved rate. */
    record Conv(String shape, String op, double callsPerRun, double msPerRun, double gflopPerRun) {
        double gflops() {
            return gflopPerRun / (msPerRun / 1000);
        }
    }

    /** Kernel time per run over all operators, ms. */
    double nodeMsPerRun() {
        return operators.stream().mapToDouble(Op::msPerRun).sum();
    }

    static OrtTrace read(Path file) {
        JsonNode events;
        try {
            events = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ORT profile " + file, e);
        }
        List<long[]> runs = new ArrayList<>(); // [start, end] in µs
        for (JsonNode e : events) {
            if (e.path("cat").asText().equals("Session") && e.path("name").asText().equals("model_run")) {
                long ts = e.path("ts").asLong();
                runs.add(new long[] {ts, ts + e.path("dur").asLong()});
            }
        }
        runs.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> counted = runs.size() > 1 ? runs.subList(1, runs.size()) : runs;
        int n = Math.max(1, counted.size());
        double runMs = counted.stream().mapToLong(r -> r[1] - r[0]).sum() / 1000.0;
        Map<String, double[]> ops = new LinkedHashMap<>(); // calls, µs
        Map<String, double[]> convs = new TreeMap<>(); // calls, µs, flop
        Map<String, String> convOp = new LinkedHashMap<>();
        for (JsonNode e : events) {
            if (!e.path("cat").asText().equals("Node") || !e.path("name").asText().endsWith("_kernel_time")
                    || !inside(counted, e.path("ts").asLong())) {
                continue;
            }
            String op = e.path("args").path("op_name").asText();
            double dur = e.path("dur").asDouble();
            double[] o = ops.computeIfAbsent(op, k -> new double[2]);
            o[0]++;
            o[1] += dur;
            if (op.contains("Conv")) {
                JsonNode in = e.path("args").path("input_type_shape");
                JsonNode out = e.path("args").path("output_type_shape");
                List<Long> x = dims(in, 0), w = dims(in, 1), y = dims(out, 0);
                if (x.size() == 4 && w.size() == 4 && y.size() == 4) {
                    String shape = x.get(1) + "->" + w.get(0) + " " + w.get(2) + "x" + w.get(3);
                    double flop = 2.0 * y.get(1) * y.get(2) * y.get(3) * (w.get(1) * w.get(2) * w.get(3));
                    double[] c = convs.computeIfAbsent(shape, k -> new double[3]);
                    c[0]++;
                    c[1] += dur;
                    c[2] += flop;
                    convOp.merge(shape, op, (a, b) -> List.of(a.split("\\+")).contains(b) ? a : a + "+" + b);
                }
            }
        }
        List<Op> opList = ops.entrySet().stream()
                .map(en -> new Op(en.getKey(), en.getValue()[0] / n, en.getValue()[1] / 1000 / n))
                .sorted(Comparator.comparingDouble(Op::msPerRun).reversed()).toList();
        List<Conv> convList = convs.entrySet().stream()
                .map(en -> new Conv(en.getKey(), convOp.get(en.getKey()), en.getValue()[0] / n,
                        en.getValue()[1] / 1000 / n, en.getValue()[2] / 1e9 / n))
                .sorted(Comparator.comparingDouble(Conv::msPerRun).reversed()).toList();
        return new OrtTrace(counted.size(), runMs, opList, convList);
    }

    private static boolean inside(List<long[]> runs, long ts) {
        for (long[] r : runs) {
            if (ts >= r[0] && ts <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The dimensions of the {@code index}-th entry of an ORT shape list ({@code [{"float":[1,3,h,w]}, ...]}). */
    private static List<Long> dims(JsonNode shapes, int index) {
        List<Long> out = new ArrayList<>();
        JsonNode entry = shapes.path(index);
        entry.fields().forEachRemaining(f -> f.getValue().forEach(d -> out.add(d.asLong())));
        return out;
    }
}
