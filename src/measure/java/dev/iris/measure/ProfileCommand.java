package dev.iris.measure;

import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelPack;
import dev.iris.model.Rescaler;
import dev.iris.model.TensorCodec;
import dev.iris.ort.FloatTensor;
import dev.iris.ort.GraphOptimization;
import dev.iris.ort.OrtException;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunControl;
import dev.iris.ort.RuntimeOptions;
import dev.iris.ort.Session;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code iris profile}: where a restore's time goes. For each model's {@code up.onnx}, restores of one
 * {@code side x side} HR through our binding under several session settings ("variants": the settings iris serves
 * with, and one change each), their runs interleaved so that a busy machine slows every variant alike; ORT's own
 * profiler sums the kernels per operator. Writes its own marked section of {@code docs/BENCHMARKS.md} (one per ORT
 * version), which {@code iris bench} keeps. Not thread-safe; one per process.
 */
final class ProfileCommand {
    /** The settings iris serves with (arena off, no spinning, full optimisation) at {@code threads} threads. */
    private static SessionOptions served(int threads) {
        return SessionOptions.defaults().withCpuArena(false).withIntraOpThreads(threads);
    }

    /** A named session setting. */
    record Variant(String name, String meaning, SessionOptions options) {}

    static List<Variant> variants(int threads) {
        SessionOptions s = served(threads);
        return List.of(
                new Variant("served", "as iris serves: " + threads + " intra-op threads, arena off, no spinning, "
                        + "optimisation all", s),
                new Variant("spin", "idle pool threads spin", s.withSpinning(true)),
                new Variant("arena", "CPU arena on", s.withCpuArena(true)),
                new Variant("extended", "optimisation extended (no layout transform to NCHWc)",
                        s.withOptimization(GraphOptimization.EXTENDED)),
                new Variant("basic", "optimisation basic (no fusions)", s.withOptimization(GraphOptimization.BASIC)),
                new Variant("1-thread", "1 intra-op thread", s.withIntraOpThreads(1)));
    }

    /** One variant's result on one model. */
    record Result(Variant variant, Stats restore, double psnrY, int maxDiffVsServed, OrtTrace trace) {}

    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, int threads, int side,
            int runs, String commandLine) throws IOException {
        IrisConfig config = ConfigLoader.load(Optional.of(configFile), overrides, base);
        RuntimeOptions env = RuntimeOptions.fromEnvironment();
        OrtRuntime ort = OrtRuntime.load(new RuntimeOptions(config.models().ortLibrary().or(env::library),
                config.models().ortCacheDir().orElse(env.cacheDir())));
        MachineInfo machine = MachineInfo.detect(ort.version());
        String loadBefore = MachineInfo.loadAverage();
        System.out.println("iris profile: " + machine.describe() + "; load " + loadBefore);
        Path photo = BenchCommand.jpegs(config.server().webappDir().resolve("originals")).getLast();
        Rgb8Image hr = ModelBench.hrOfSide(Decoder.decode(Files.readAllBytes(photo), DecodeLimits.defaults()), side);
        Path traces = Files.createTempDirectory("iris-profile");
        Map<String, List<Result>> byModel = new LinkedHashMap<>();
        Map<String, IrnCost> costs = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(config.models().dir())) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList()) {
                String id = dir.getFileName().toString();
                IrnCost.of(dir).ifPresent(c -> costs.put(id, c));
                byModel.put(id, profile(ort, dir, hr, threads, runs, traces.resolve(id)));
            }
        } finally {
            try (Stream<Path> files = Files.list(traces)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(traces);
        }
        String section = ProfileReport.markdown(machine, commandLine, LocalDateTime.now().truncatedTo(
                ChronoUnit.SECONDS).toString(), loadBefore, MachineInfo.loadAverage(), threads, side, runs,
                byModel, costs);
        String doc = Files.exists(out) ? Files.readString(out) : "";
        Files.writeString(out, MarkedSections.put(doc, "profile-ort-" + ort.version(), section));
        System.out.println("iris profile: wrote its section of " + out);
        return 0;
    }

    private static List<Result> profile(OrtRuntime ort, Path dir, Rgb8Image hr, int threads, int runs, Path prefix) {
        Rgb8Image lr;
        try (ModelPack pack = ModelPack.open(ort, dir, served(threads)); RunControl c = ort.newRunControl()) {
            lr = new Rescaler(pack).downscale(hr, c);
        }
        List<Variant> variants = variants(threads);
        List<Session> sessions = new ArrayList<>();
        List<Variant> opened = new ArrayList<>();
        try {
            for (Variant v : variants) {
                try {
                    sessions.add(ort.open(dir.resolve("up.onnx"), v.options().withProfiling(
                            Path.of(prefix + "-" + v.name()))));
                    opened.add(v);
                } catch (OrtException e) {
                    System.out.println("variant " + v.name() + " does not open: " + e.getMessage());
                }
            }
            Rgb8Image[] outputs = new Rgb8Image[sessions.size()];
            long[][] nanos = new long[sessions.size()][runs];
            for (int i = 0; i < sessions.size(); i++) {
                outputs[i] = restore(ort, sessions.get(i), lr, hr); // warm-up, left out of the times and the trace
            }
            for (int r = 0; r < runs; r++) {
                for (int i = 0; i < sessions.size(); i++) {
                    long start = System.nanoTime();
                    outputs[i] = restore(ort, sessions.get(i), lr, hr);
                    nanos[i][r] = System.nanoTime() - start;
                }
            }
            List<Result> results = new ArrayList<>();
            int border = hr.width() / lr.width();
            for (int i = 0; i < sessions.size(); i++) {
                OrtTrace trace = OrtTrace.read(sessions.get(i).endProfiling());
                Stats stats = Stats.ofNanos(nanos[i]);
                results.add(new Result(opened.get(i), stats, Quality.psnrY(hr, outputs[i], border),
                        maxDiff(outputs[0], outputs[i]), trace));
                System.out.printf(Locale.ROOT, "%s %s: %.0f ms per restore (median of %d)%n",
                        dir.getFileName(), opened.get(i).name(), stats.p50Ms(), runs);
            }
            return results;
        } finally {
            sessions.forEach(Session::close);
        }
    }

    private static Rgb8Image restore(OrtRuntime ort, Session up, Rgb8Image lr, Rgb8Image hr) {
        try (Arena arena = Arena.ofConfined(); RunControl control = ort.newRunControl()) {
            FloatTensor out = FloatTensor.allocate(arena, 1, 3, hr.height(), hr.width());
            up.runInto(Map.of("lr", TensorCodec.toTensor(lr, arena)), Map.of("hr", out), control);
            return TensorCodec.toImage(out, hr.width(), hr.height());
        }
    }

    private static int maxDiff(Rgb8Image a, Rgb8Image b) {
        int max = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            max = Math.max(max, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        }
        return max;
    }
}
