package dev.iris.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.app.IrisApp;
import dev.iris.config.ConfigLoader;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Encoder;
import dev.iris.image.Filter;
import dev.iris.image.ImageFormat;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.server.IrisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iris first-request}: what a site's first request for a new photo costs. For each source size, a photo of
 * that many megapixels is uploaded over HTTP (timed to the stored asset), then {@code w=1600} is requested: right
 * after the ingest, again (warm), after a restart (cold: the restore runs), and after a restart with
 * {@code serving.restoreWaitMs=0} (a provisional answer); and a full-width banner a quarter of the original high
 * after a restart (a restore of that part only). Sources whose LR is wider than the ingest's measuring
 * window are also ingested with a source cache too small to keep their restore, to weigh restoring them whole at
 * ingest. Baselines on the same JPEG: {@code vipsthumbnail} and nginx's {@code image_filter}, when installed
 * ({@link ResizeBaselines}). Writes its own marked section of {@code docs/BENCHMARKS.md}. Not thread-safe.
 */
final class FirstRequestCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "first-request-bench";
    static final int WIDTH = 1600;

    /** One timed step: wall time, CPU time of the whole process (server included), model runs it caused. */
    record Cell(double ms, double cpuMs, long runs) {
        static final Cell NONE = new Cell(Double.NaN, Double.NaN, -1);

        boolean measured() {
            return !Double.isNaN(ms);
        }
    }

    /**
     * One source size. {@code full*}: the original size requested (the whole restore), measured where w=1600 fits
     * in the LR and so never needs the model. {@code window*}: ingested where the source cache cannot keep the
     * restore, for sources whose LR is wider than the measuring window.
     */
    record Row(double megapixels, int width, int height, int sourceBytes, Cell ingest, Cell afterIngest, Cell warm,
            Cell afterRestart, Cell provisional, String provisionalCacheControl, Cell fullAfterIngest,
            Cell fullAfterRestart, Cell tierAfterRestart, Cell bannerAfterRestart, Cell windowIngest, Cell windowFirst,
            ResizeBaselines.Times baselines) {}

    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, List<Double> sizes,
            String commandLine) throws Exception {
        String loadBefore = MachineInfo.loadAverage();
        OtherLoad others = OtherLoad.start();
        List<Row> rows = new ArrayList<>();
        String ortVersion;
        String model;
        try (Scratch scratch = Scratch.create("iris-first-request-")) {
            Map<String, String> settings = scratch.loopbackSettings(overrides);
            settings.put("assets.ingestToken", TOKEN);
            settings.put("assets.demoDir", "");
            // a 12 MP restore on one busy core takes longer than the default 30 s a request may wait
            settings.putIfAbsent("limits.requestTimeoutMs", "600000");
            IrisConfig config = ConfigLoader.load(Optional.of(configFile), settings, base);
            Path photo = BenchCommand.jpegs(config.server().webappDir().resolve("originals")).getLast();
            Rgb8Image original = Decoder.decode(Files.readAllBytes(photo), DecodeLimits.defaults());
            try (IrisApp probe = IrisApp.start(config)) {
                ortVersion = probe.ort().version();
                model = probe.models().flatMap(m -> m.forScale(config.assets().demoScale()))
                        .map(r -> r.pack().id() + " (x" + r.scale() + ")").orElse("?");
            }
            for (double mp : sizes) {
                rows.add(measure(config, settings, base, configFile, scratch, original, mp));
                System.out.println("first-request: " + rows.getLast());
            }
        }
        MachineInfo machine = MachineInfo.detect(ortVersion);
        String section = FirstRequestReport.markdown(machine, commandLine, LocalDateTime.now()
                .truncatedTo(ChronoUnit.SECONDS).toString(), loadBefore, MachineInfo.loadAverage(), others.sentence(),
                model, rows);
        String doc = Files.exists(out) ? Files.readString(out) : "";
        Files.writeString(out, MarkedSections.put(doc, "first-request", section));
        System.out.println("iris first-request: wrote its section of " + out);
        return 0;
    }

    private static Row measure(IrisConfig config, Map<String, String> settings, Path base, Path configFile,
            Scratch scratch, Rgb8Image original, double mp) throws Exception {
        int width = (int) Math.round(Math.sqrt(mp * 1e6 * 4 / 3)), height = (int) Math.round(width * 0.75);
        byte[] source = Encoder.encode(Resampler.resize(original, width, height, Filter.LANCZOS3),
                ImageFormat.JPEG, 90);
        Path sourceFile = scratch.dir().resolve("source-" + width + ".jpg");
        Files.write(sourceFile, source);
        String name = "photo-" + width;
        String url = "/img/" + name + ".jpg?w=" + WIDTH;
        int scale = config.assets().demoScale();
        boolean fullToo = (long) WIDTH * scale <= width; // w=1600 is served from the LR: the full size restores
        String fullUrl = "/img/" + name + ".jpg";
        Cell ingest, afterIngest, warm, afterRestart, provisional, fullAfterIngest = Cell.NONE, fullAfterRestart = Cell.NONE;
        String provisionalCacheControl;
        try (Running iris = Running.start(config)) {
            ingest = iris.step(() -> iris.ingest(name, source, scale));
            afterIngest = iris.step(() -> iris.get(url));
            warm = iris.step(() -> iris.get(url));
            if (fullToo) {
                fullAfterIngest = iris.step(() -> iris.get(fullUrl));
            }
        }
        // After a restart with the restored tier on, the ingest's restore is read back from the store; the cold
        // cells below turn the tier off, as a store that never kept the restore (or evicted it) would be.
        Cell tierAfterRestart;
        try (Running iris = Running.start(config)) {
            tierAfterRestart = iris.step(() -> iris.get(fullToo ? fullUrl : url));
        }
        Map<String, String> noTier = new HashMap<>(settings);
        noTier.put("assets.restoredMaxBytes", "0");
        IrisConfig cold = ConfigLoader.load(Optional.of(configFile), noTier, base);
        try (Running iris = Running.start(cold)) {
            afterRestart = iris.step(() -> iris.get(url));
            if (fullToo) {
                fullAfterRestart = iris.step(() -> iris.get(fullUrl));
            }
        }
        // A full-width banner, a quarter of the original's height, at the original's scale: the crop reads a
        // quarter of the original, so only that part is restored (Renderer.partToRestore).
        Cell bannerAfterRestart;
        try (Running iris = Running.start(cold)) {
            bannerAfterRestart = iris.step(() -> iris.get("/img/" + name + ".jpg?w=" + width + "&h=" + height / 4
                    + "&fit=cover"));
        }
        Map<String, String> waitNot = new HashMap<>(noTier);
        waitNot.put("serving.restoreWaitMs", "0");
        String[] cacheControl = new String[1];
        try (Running iris = Running.start(ConfigLoader.load(Optional.of(configFile), waitNot, base))) {
            String provisionalUrl = fullToo ? fullUrl : url;
            provisional = iris.step(() -> cacheControl[0] = iris.get(provisionalUrl));
            provisionalCacheControl = cacheControl[0];
        }
        Cell windowIngest = Cell.NONE, windowFirst = Cell.NONE;
        if (Math.ceil((double) width / scale) > 1024 || Math.ceil((double) height / scale) > 1024) {
            // a source cache whose eighth is smaller than this restore: the ingest restores its window only
            Map<String, String> small = new HashMap<>(noTier);
            small.put("cache.sourceMaxBytes", Long.toString(3L * width * height * 8 - 1));
            try (Running iris = Running.start(ConfigLoader.load(Optional.of(configFile), small, base))) {
                windowIngest = iris.step(() -> iris.ingest(name + "-window", source, scale));
                String first = "/img/" + name + "-window.jpg" + (fullToo ? "" : "?w=" + WIDTH);
                windowFirst = iris.step(() -> iris.get(first));
            }
        }
        ResizeBaselines.Times baselines = ResizeBaselines.measure(sourceFile, WIDTH, scratch.dir());
        return new Row(width * (double) height / 1e6, width, height, source.length, ingest, afterIngest, warm,
                afterRestart, provisional, provisionalCacheControl, fullAfterIngest, fullAfterRestart, tierAfterRestart,
                bannerAfterRestart,
                windowIngest,
                windowFirst, baselines);
    }

    interface Step {
        void run() throws Exception;
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    /** An iris server on the scratch store, with an HTTP client. */
    private record Running(IrisApp app, IrisServer server, HttpClient http) implements AutoCloseable {
        static Running start(IrisConfig config) throws Exception {
            IrisApp app = IrisApp.start(config);
            try {
                return new Running(app, new IrisServer(app).start(), HttpClient.newHttpClient());
            } catch (Exception e) {
                app.close();
                throw e;
            }
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }

        /** PUTs {@code source} and waits until the asset is stored (polling the job of a 202). */
        void ingest(String name, byte[] source, int scale) throws Exception {
            HttpResponse<byte[]> put = http.send(HttpRequest.newBuilder(uri("/iris/assets/" + name + "?scale="
                    + scale)).header("Authorization", "Bearer " + TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(source)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (put.statusCode() == 202) {
                URI job = URI.create(put.headers().firstValue("Location").orElseThrow());
                while (true) {
                    JsonNode state = JSON.readTree(http.send(HttpRequest.newBuilder(job)
                            .header("Authorization", "Bearer " + TOKEN).build(),
                            HttpResponse.BodyHandlers.ofByteArray()).body());
                    if (state.path("state").asText().equals("done")) {
                        return;
                    }
                    if (!state.path("state").asText().equals("running")) {
                        throw new IllegalStateException("ingest of " + name + " failed: " + state);
                    }
                    Thread.sleep(100);
                }
            }
            if (put.statusCode() != 201 && put.statusCode() != 200) {
                throw new IllegalStateException("ingest of " + name + ": " + put.statusCode() + " "
                        + new String(put.body()));
            }
        }

        /** Runs {@code step}, timing it in wall and CPU time and counting the model runs it caused. */
        Cell step(Step step) throws Exception {
            long runs = modelRuns();
            long cpu = ProcessCpu.nanos(), t = System.nanoTime();
            step.run();
            double ms = ms(t), cpuMs = (ProcessCpu.nanos() - cpu) / 1e6;
            return new Cell(ms, cpuMs, modelRuns() - runs);
        }

        /** GETs {@code path}, which must answer 200; returns its Cache-Control. */
        String get(String path) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(10)).build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + new String(response.body()));
            }
            return response.headers().firstValue("Cache-Control").orElse("");
        }

        /** Model runs so far (ingests and restores): the count of {@code iris_model_run_seconds}, all outcomes. */
        long modelRuns() throws Exception {
            String text = new String(http.send(HttpRequest.newBuilder(uri("/iris/metrics")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            return text.lines().filter(l -> l.startsWith("iris_model_run_seconds_count"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (Exception e) {
                throw new UncheckedIOException(new IOException("cannot stop the server", e));
            } finally {
                app.close();
            }
        }
    }
}
