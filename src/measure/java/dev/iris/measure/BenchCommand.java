package dev.iris.measure;

import dev.iris.app.IrisApp;
import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetName;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelException;
import dev.iris.model.Rescaler;
import dev.iris.server.IrisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code iris bench [--out docs/BENCHMARKS.md] [--seconds 10] [--runs 5]}: times every loaded model on the CPU at
 * 1 and 2 intra-op threads, then starts iris in-process on a free loopback port over a temporary asset store with
 * the demo originals, measures cold and warm latency and closed-loop throughput against baselines (served by a
 * {@link BaselineServer} beside it), and writes a Markdown report.
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
        try (Scratch scratch = Scratch.create("iris-bench-")) {
            Map<String, String> settings = scratch.loopbackSettings(overrides);
            // A copy of the static directory, so the bench can add files to serve (iris outputs saved as static
            // files) without touching the working tree.
            Path webapp = scratch.dir().resolve("webapp");
            Scratch.copyTree(ConfigLoader.load(Optional.of(configFile), overrides, base).server().webappDir(), webapp);
            settings.put("server.webappDir", webapp.toString());
            return run(ConfigLoader.load(Optional.of(configFile), settings, base), scratch, out, seconds, runs,
                    commandLine, started);
        }
    }

    private static int run(IrisConfig config, Scratch scratch, Path out, double seconds, int runs,
            String commandLine, long started) {
        String loadBefore = MachineInfo.loadAverage();
        Path webapp = config.server().webappDir();
        try (IrisApp app = IrisApp.start(config)) {
            MachineInfo machine = MachineInfo.detect(app.ort().version());
            System.out.println("iris bench: " + machine.describe() + "; load " + loadBefore);
            Path originals = webapp.resolve("originals");
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
                    System.out.printf(Locale.ROOT, "model %s, %d thread(s): restore %.0f ms/MP "
                            + "(first %.0f ms), downscale %.0f ms/MP%n", r.modelId(), threads, r.restoreMsPerMp(),
                            r.firstRestoreMs(), r.downscaleMsPerMp());
                    models.add(r);
                }
            }

            // 2. The server, with the demo originals ingested by the model of the configured demo scale.
            int scale = config.assets().demoScale();
            Rescaler serving = app.models().flatMap(m -> m.forScale(scale))
                    .orElseGet(() -> app.models().orElseThrow().all().iterator().next());
            Map<String, Double> ingestMs = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (Path photo : photos) {
                long start = System.nanoTime();
                AssetMeta meta = app.ingestFile(photo, serving.scale(), Optional.of(serving.pack().id()));
                ingestMs.put(photo.getFileName().toString(), (System.nanoTime() - start) / 1e6);
                names.add(meta.name());
            }
            ServerBench.Settings load = new ServerBench.Settings(6, 60, 16, seconds, Math.min(3, seconds / 4));
            List<LatencyRow> latency = new ArrayList<>();
            List<ThroughputRow> throughput = new ArrayList<>();
            try (IrisServer server = new IrisServer(app).start();
                    BaselineServer baselines = new BaselineServer(originals, app.store()).start()) {
                ServerBench iris = new ServerBench(server.port(), names, load);
                int originalWidth = app.store().find(new AssetName(names.getFirst())).orElseThrow()
                        .width();
                for (int w : WIDTHS) {
                    // Renderer.fitsInLr: the model runs when the resized width is more than the LR holds.
                    List<String> cold = freshAssets(scratch, app, photos, serving, "w" + w, load.coldRuns());
                    LatencyRow row = iris.latency(w, width -> Math.min(width, originalWidth) * serving.scale()
                            > originalWidth, cold);
                    System.out.printf(Locale.ROOT, "w=%d: cold p50 %.0f ms, warm p50 %.2f ms%n", w,
                            row.cold().p50Ms(), row.warm().p50Ms());
                    latency.add(row);
                }
                Files.createDirectories(webapp.resolve("bench-static"));
                for (String name : names) {
                    Files.write(webapp.resolve("bench-static").resolve(name + ".jpg"),
                            iris.get("/img/" + name + ".jpg?w=800"));
                }
                ServerBench baseline = new ServerBench(baselines.port(), names, load);
                throughput.add(iris.throughput(BenchReport.STATIC, "/originals/{name}.jpg"));
                throughput.add(iris.throughput(BenchReport.STATIC_SAME, "/bench-static/{name}.jpg"));
                throughput.add(iris.throughput(BenchReport.IRIS_WARM, "/img/{name}.jpg?w=800"));
                throughput.add(baseline.throughput(BenchReport.JAVA2D,
                        BaselineServer.PATH + "/java2d/{name}.jpg?w=800"));
                throughput.add(baseline.throughput(BenchReport.LR_BICUBIC,
                        BaselineServer.PATH + "/lr-bicubic/{name}.jpg?w=800"));
                throughput.forEach(t -> System.out.println(t.label() + ": " + t.result().toJson()));
            }
            BenchRun run = new BenchRun(machine, commandLine, LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                    .toString(), loadBefore, MachineInfo.loadAverage(), models, costs, serving.pack().id() + " (x"
                    + serving.scale() + ")", ingestMs, latency, throughput, load, config.serving().enlarge(),
                    (System.nanoTime() - started) / 1e9);
            Files.createDirectories(out.toAbsolutePath().getParent());
            // sections other commands wrote into the same file (iris profile) survive the rewrite
            String kept = Files.exists(out) ? String.join("\n", MarkedSections.all(Files.readString(out))) : "";
            Files.writeString(out, BenchReport.markdown(run) + (kept.isEmpty() ? "" : "\n" + kept));
            System.out.println("iris bench: wrote " + out);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            System.err.println("iris bench: " + e);
            return 1;
        }
    }

    /**
     * The assets of {@code count} cold requests: copies of the demo originals in turn, each ingested under a name
     * never requested before ({@code cups-cold-w800-1}, ...), so that no cache holds anything of them. The
     * ingests are not timed.
     */
    private static List<String> freshAssets(Scratch scratch, IrisApp app, List<Path> photos, Rescaler model,
            String tag, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path photo = photos.get(i % photos.size());
            String stem = photo.getFileName().toString().replaceFirst("\\.jpg$", "");
            names.add(scratch.ingestAs(app, photo, stem + "-cold-" + tag + "-" + (i + 1), model).name());
        }
        return names;
    }

    /** The demo originals: {@code *.jpg} with plain names, sorted; none when {@code dir} does not exist. */
    static List<Path> jpegs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("[A-Za-z0-9_-]+\\.jpg")).sorted().toList();
        }
    }
}
