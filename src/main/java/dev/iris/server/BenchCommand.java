package dev.iris.server;

import dev.iris.asset.AssetName;
import dev.iris.asset.Ingester;
import dev.iris.bench.BaselineContext;
import dev.iris.bench.BenchReport;
import dev.iris.bench.BenchRun;
import dev.iris.bench.IrnCost;
import dev.iris.bench.LatencyRow;
import dev.iris.bench.MachineInfo;
import dev.iris.bench.ModelBench;
import dev.iris.bench.ModelResult;
import dev.iris.bench.ServerBench;
import dev.iris.bench.ThroughputRow;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import dev.iris.ort.RunControl;
import dev.iris.app.IrisApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code iris bench [--out docs/BENCHMARKS.md] [--seconds 10] [--runs 5]}: times every loaded model on the CPU at
 * 1 and 2 intra-op threads, then starts iris in-process on a free loopback port over a temporary asset store with
 * the demo originals, measures cold and warm latency and closed-loop throughput against baselines, and writes a
 * Markdown report.
 */
final class BenchCommand {
    private static final int[] WIDTHS = {320, 800, 1600};

    private BenchCommand() {}

    /**
     * @param overrides configuration overrides from the command line (the server's host, port and asset store are
     *                  set here: loopback, any free port, a temporary directory)
     */
    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, double seconds, int runs,
            String commandLine) {
        long started = System.nanoTime();
        Path tmp = tempDirectory("iris-bench-");
        Map<String, String> settings = loopbackSettings(overrides, tmp);
        // A copy of the static directory, so the bench can add files to serve (iris outputs saved as static
        // files) without touching the working tree.
        Path webapp = tmp.resolve("webapp");
        copyTree(ConfigLoader.load(Optional.of(configFile), overrides, base).server().webappDir(), webapp);
        settings.put("server.webappDir", webapp.toString());
        IrisConfig config = ConfigLoader.load(Optional.of(configFile), settings, base);
        String loadBefore = loadAverage();
        try (IrisApp app = IrisApp.start(config)) {
            MachineInfo machine = MachineInfo.detect(app.ort().version());
            System.out.println("iris bench: " + machine.describe() + "; load " + loadBefore);
            Path originals = config.server().webappDir().resolve("originals");
            List<Path> photos = jpegs(originals);
            if (photos.isEmpty()) {
                throw new UncheckedIOException(new IOException("no demo originals (*.jpg) in " + originals));
            }

            // 1. The model alone, before the server exists, so nothing else of iris competes for the cores.
            Rgb8Image hr = ModelBench.hrOfSide(Decoder.decode(Files.readAllBytes(photos.getLast()),
                    DecodeLimits.defaults()), 1000);
            ModelBench modelBench = new ModelBench(app.ort(), runs);
            List<ModelResult> models = new ArrayList<>();
            Map<String, IrnCost> costs = new LinkedHashMap<>();
            for (Rescaler model : app.models().orElseThrow(() -> new ModelException("no model loaded")).all()) {
                IrnCost.of(model.pack().dir()).ifPresent(c -> costs.put(model.pack().id(), c));
                for (int threads : new int[] {1, 2}) {
                    ModelResult r = modelBench.measure(model.pack().dir(), threads, hr);
                    System.out.printf(java.util.Locale.ROOT, "model %s, %d thread(s): restore %.0f ms/MP "
                            + "(first %.0f ms), downscale %.0f ms/MP%n", r.modelId(), threads, r.restoreMsPerMp(),
                            r.firstRestoreMs(), r.downscaleMsPerMp());
                    models.add(r);
                }
            }

            // 2. The server, with the demo originals ingested by the model of the configured demo scale.
            int scale = config.assets().demoScale();
            Rescaler serving = app.models().flatMap(m -> m.forScale(scale))
                    .orElseGet(() -> app.models().orElseThrow().all().iterator().next());
            Map<String, Double> ingestMs = ingest(app, photos, serving);
            List<String> names = photos.stream().map(p -> AssetName.fromFileName(p.getFileName().toString())
                    .value()).toList();
            ServerBench.Settings load = new ServerBench.Settings(6, 60, 16, seconds, Math.min(3, seconds / 4));
            List<LatencyRow> latency = new ArrayList<>();
            List<ThroughputRow> throughput = new ArrayList<>();
            try (IrisServer server = new IrisServer(app, List.of(BaselineContext.create(originals, app.store())))
                    .start()) {
                ServerBench bench = new ServerBench(server.port(), names, app.caches()::invalidateAll, load);
                int originalWidth = app.store().find(new AssetName(names.getFirst())).orElseThrow().width();
                for (int w : WIDTHS) {
                    // Renderer.fitsInLr: the model runs when the resized width is more than the LR holds.
                    LatencyRow row = bench.latency(w, width -> Math.min(width, originalWidth) * serving.scale()
                            > originalWidth);
                    System.out.printf(java.util.Locale.ROOT, "w=%d: cold p50 %.0f ms, warm p50 %.2f ms%n", w,
                            row.cold().p50Ms(), row.warm().p50Ms());
                    latency.add(row);
                }
                Files.createDirectories(webapp.resolve("bench-static"));
                for (String name : names) {
                    Files.write(webapp.resolve("bench-static").resolve(name + ".jpg"),
                            bench.get("/img/" + name + ".jpg?w=800"));
                }
                throughput.add(bench.throughput(BenchReport.STATIC, "/originals/{name}.jpg"));
                throughput.add(bench.throughput(BenchReport.STATIC_SAME, "/bench-static/{name}.jpg"));
                throughput.add(bench.throughput(BenchReport.IRIS_WARM, "/img/{name}.jpg?w=800"));
                throughput.add(bench.throughput(BenchReport.JAVA2D, "/bench/java2d/{name}.jpg?w=800"));
                throughput.add(bench.throughput(BenchReport.LR_BICUBIC, "/bench/lr-bicubic/{name}.jpg?w=800"));
                throughput.forEach(t -> System.out.println(t.label() + ": " + t.result().toJson()));
            }
            BenchRun run = new BenchRun(machine, commandLine, LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                    .toString(), loadBefore, loadAverage(), models, costs, serving.pack().id() + " (x"
                    + serving.scale() + ")", ingestMs, latency, throughput, load, config.serving().enlarge(),
                    (System.nanoTime() - started) / 1e9);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, BenchReport.markdown(run));
            System.out.println("iris bench: wrote " + out);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            System.err.println("iris bench: " + e);
            return 1;
        } finally {
            deleteTree(tmp);
        }
    }

    static Map<String, Double> ingest(IrisApp app, List<Path> photos, Rescaler model) throws IOException {
        Ingester ingester = app.ingester().orElseThrow(() -> new ModelException("no model loaded"));
        Map<String, Double> ms = new LinkedHashMap<>();
        for (Path photo : photos) {
            byte[] bytes = Files.readAllBytes(photo);
            long start = System.nanoTime();
            try (RunControl control = app.ort().newRunControl()) {
                ingester.ingest(new Ingester.Request(AssetName.fromFileName(photo.getFileName().toString()), bytes,
                        model.scale(), Optional.of(model.pack().id())), control);
            }
            ms.put(photo.getFileName().toString(), (System.nanoTime() - start) / 1e6);
        }
        return ms;
    }

    static List<Path> jpegs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("[A-Za-z0-9_-]+\\.jpg")).sorted().toList();
        }
    }

    /** A fresh temporary directory for one run's asset store; the caller deletes it with {@link #deleteTree}. */
    static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /**
     * {@code overrides} plus what every measuring run sets: loopback on a free port, the asset store under
     * {@code tmp}, and no ingest endpoint.
     */
    static Map<String, String> loopbackSettings(Map<String, String> overrides, Path tmp) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("assets.dir", tmp.resolve("assets").toString());
        settings.put("assets.ingestToken", "");
        return settings;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("iris bench: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
