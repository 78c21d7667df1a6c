package dev.iris.measure;

import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Quality;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelCard;
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
    /** The settings iris serves with (arena on and shrunk after each run, no spinning, full optimisation). */
    private static SessionOptions served(int threads) {
        return SessionOptions.defaults().withCpuArena(true).withIntraOpThreads(threads);
    }

    /** A named session setting, with the run configuration entries each of its runs gets. */
    record Variant(String name, String meaning, SessionOptions options, Map<String, String> runConfig) {
        /** Runs configured as iris configures them for these options ({@link SessionOptions#runConfig()}). */
        Variant(String name, String meaning, SessionOptions options) {
            this(name, meaning, options, options.runConfig());
        }
    }

    /** Every variant, or those named in {@code only} (comma-separated; empty for all). */
    static List<Variant> variants(int threads, String only) {
        SessionOptions s = served(threads);
        List<Variant> all = List.of(
                new Variant("served", "as iris serves: " + threads + " intra-op threads, CPU arena shrunk after "
                        + "each run (run option memory.enable_memory_arena_shrinkage=cpu:0), no spinning, "
                        + "optimisation all", s),
                new Variant("arena-off", "CPU arena off (as iris served before)", s.withCpuArena(false)),
                new Variant("arena-kept", "CPU arena kept between runs (not shrunk)", s, Map.of()),
                new Variant("spin", "idle pool threads spin", s.withSpinning(true)),
                new Variant("extended", "optimisation extended (no layout transform to NCHWc)",
                        s.withOptimization(GraphOptimization.EXTENDED)),
                new Variant("basic", "optimisation basic (no fusions)", s.withOptimization(GraphOptimization.BASIC)),
                new Variant("1-thread", "1 intra-op thread", s.withIntraOpThreads(1)));
        List<String> names = only.isBlank() ? List.of() : List.of(only.split(","));
        return names.isEmpty() ? all : all.stream().filter(v -> names.contains(v.name())).toList();
    }

    /** One variant's result on one model. */
    /**
     * @param restore wall time per restore
     * @param cpu     CPU time the whole process used per restore (every thread: ORT's pool, the caller, the JVM's
     *                own): unlike wall time, hardly changed by other processes competing for the cores
     */
    record Result(Variant variant, Stats restore, Stats cpu, double psnrY, int maxDiffVsServed, OrtTrace trace) {}

    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, int threads, int side,
            int runs, String only, String commandLine) throws IOException {
        IrisConfig config = ConfigLoader.load(Optional.of(configFile), overrides, base);
        RuntimeOptions env = RuntimeOptions.fromEnvironment();
        OrtRuntime ort = OrtRuntime.load(new RuntimeOptions(config.models().ortLibrary().or(env::library),
                config.models().ortCacheDir().orElse(env.cacheDir())));
        MachineInfo machine = MachineInfo.detect(ort.version());
        String loadBefore = MachineInfo.loadAverage();
        OtherLoad others = OtherLoad.start();
        System.out.println("iris profile: " + machine.describe() + "; load " + loadBefore);
        Path photo = BenchCommand.jpegs(config.server().webappDir().resolve("originals")).getLast();
        Rgb8Image hr = ModelBench.hrOfSide(Decoder.decode(Files.readAllBytes(photo), DecodeLimits.defaults()), side);
        Path traces = Files.createTempDirectory("iris-profile");
        Map<String, List<Result>> byModel = new LinkedHashMap<>();
        Map<String, IrnCost> costs = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(config.models().dir())) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("model.json"))).sorted().toList()) {
                String id = dir.getFileName().toString();
                // The arbitrary-scale family's graphs take a scale input and run through ArbitraryRescaler,
                // which this command does not drive; the profile covers the integer-scale IRN packs.
                if (ModelCard.read(dir.resolve("model.json")).family() != ModelCard.Family.IRN) {
                    System.out.println("  skipping " + id + ": not an IRN pack");
                    continue;
                }
                IrnCost.of(dir).ifPresent(c -> costs.put(id, c));
                byModel.put(id, profile(ort, dir, hr, variants(threads, only), runs, traces.resolve(id)));
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
                ChronoUnit.SECONDS).toString(), loadBefore, MachineInfo.loadAverage(), others.sentence(), threads, side,
                runs, byModel, costs);
        String doc = Files.exists(out) ? Files.readString(out) : "";
        Files.writeString(out, MarkedSections.put(doc, "profile-ort-" + ort.version(), section));
        System.out.println("iris profile: wrote its section of " + out);
        return 0;
    }

    private static List<Result> profile(OrtRuntime ort, Path dir, Rgb8Image hr, List<Variant> variants, int runs,
            Path prefix) {
        Rgb8Image lr;
        System.gc();
        long before = ProcMemory.now().rssBytes();
        ProcMemory.resetPeak();
        try (ModelPack pack = ModelPack.open(ort, dir, variants.getFirst().options());
                RunControl c = ort.newRunControl(variants.getFirst().runConfig())) {
            lr = new Rescaler(pack).downscale(hr, c);
        }
        // telling only when one variant runs alone: the native peak per HR pixel that RUN_BYTES_PER_HR_PIXEL rounds up
        System.out.printf(Locale.ROOT, "  downscale (%s): peak - before = %d MiB, %.0f bytes per HR pixel%n",
                variants.getFirst().name(), (ProcMemory.now().hwmBytes() - before) >> 20,
                (ProcMemory.now().hwmBytes() - before) / (double) (hr.width() * (long) hr.height()));
        ProcMemory.resetPeak();
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
            long[][] cpu = new long[sessions.size()][runs];
            for (int i = 0; i < sessions.size(); i++) {
                outputs[i] = restore(ort, sessions.get(i), opened.get(i), lr, hr); // warm-up, left out of the times and the trace
            }
            for (int r = 0; r < runs; r++) {
                for (int i = 0; i < sessions.size(); i++) {
                    long start = System.nanoTime(), cpuStart = ProcessCpu.nanos();
                    outputs[i] = restore(ort, sessions.get(i), opened.get(i), lr, hr);
                    nanos[i][r] = System.nanoTime() - start;
                    cpu[i][r] = ProcessCpu.nanos() - cpuStart;
                    ProcMemory memory = ProcMemory.now(); // telling only when one variant runs alone
                    System.out.printf(Locale.ROOT, "  %s run %d: resident %d MiB, peak %d MiB%n",
                            opened.get(i).name(), r + 1, memory.rssBytes() >> 20, memory.hwmBytes() >> 20);
                }
            }
            System.out.printf(Locale.ROOT, "  restore (%s): peak - before = %d MiB, %.0f bytes per HR pixel%n",
                    opened.getFirst().name(), (ProcMemory.now().hwmBytes() - before) >> 20,
                    (ProcMemory.now().hwmBytes() - before) / (double) (hr.width() * (long) hr.height()));
            List<Result> results = new ArrayList<>();
            int border = hr.width() / lr.width();
            for (int i = 0; i < sessions.size(); i++) {
                OrtTrace trace = OrtTrace.read(sessions.get(i).endProfiling());
                Stats stats = Stats.ofNanos(nanos[i]);
                results.add(new Result(opened.get(i), stats, Stats.ofNanos(cpu[i]), Quality.psnrY(hr, outputs[i], border),
                        maxDiff(outputs[0], outputs[i]), trace));
                System.out.printf(Locale.ROOT, "%s %s: %.0f ms per restore, %.0f ms CPU (medians of %d)%n",
                        dir.getFileName(), opened.get(i).name(), stats.p50Ms(), results.getLast().cpu().p50Ms(), runs);
            }
            return results;
        } finally {
            sessions.forEach(Session::close);
        }
    }

    private static Rgb8Image restore(OrtRuntime ort, Session up, Variant variant, Rgb8Image lr, Rgb8Image hr) {
        try (Arena arena = Arena.ofConfined(); RunControl control = ort.newRunControl(variant.runConfig())) {
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
