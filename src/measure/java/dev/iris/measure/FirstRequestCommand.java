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
 * {@code serving.restoreWaitMs=0} (a provisional answer). Sources whose LR is wider than the ingest's measuring
 * window are also ingested with a source cache too small to keep their restore, to weigh restoring them whole at
 * ingest. Baselines on the same JPEG: {@code vipsthumbnail} and nginx's {@code image_filter}, when installed
 * ({@link ResizeBaselines}). Writes its own marked section of {@code docs/BENCHMARKS.md}. Not thread-safe.
 */
final class FirstRequestCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "first-request-bench";
    static final int WIDTH = 1600;

    /** One source size's timings, ms; {@code NaN} where not measured. */
    record Row(double megapixels, int width, int height, int sourceBytes, double ingestMs, long ingestRuns,
            double afterIngestMs, long afterIngestRuns, double warmMs, double afterRestartMs,
            long afterRestartRuns, double provisionalMs, String provisionalCacheControl, double windowIngestMs,
            double windowFirstMs, long windowFirstRuns, ResizeBaselines.Times baselines) {}

    static int run(Path configFile, Map<String, String> overrides, Path base, Path out, List<Double> sizes,
            String commandLine) throws Exception {
        String loadBefore = MachineInfo.loadAverage();
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
                .truncatedTo(ChronoUnit.SECONDS).toString(), loadBefore, MachineInfo.loadAverage(), model, rows);
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
        double ingestMs, afterIngestMs, warmMs, afterRestartMs, provisionalMs;
        long ingestRuns, afterIngestRuns, afterRestartRuns;
        String provisionalCacheControl;
        try (Running iris = Running.start(config)) {
            long t = System.nanoTime();
            iris.ingest(name, source, scale);
            ingestMs = ms(t);
            ingestRuns = iris.modelRuns();
            afterIngestMs = iris.timedGet(url).ms();
            afterIngestRuns = iris.modelRuns() - ingestRuns;
            warmMs = iris.timedGet(url).ms();
        }
        try (Running iris = Running.start(config)) {
            afterRestartMs = iris.timedGet(url).ms();
            afterRestartRuns = iris.modelRuns();
        }
        Map<String, String> provisional = new HashMap<>(settings);
        provisional.put("serving.restoreWaitMs", "0");
        try (Running iris = Running.start(ConfigLoader.load(Optional.of(configFile), provisional, base))) {
            Timed answer = iris.timedGet(url);
            provisionalMs = answer.ms();
            provisionalCacheControl = answer.cacheControl();
        }
        double windowIngestMs = Double.NaN, windowFirstMs = Double.NaN;
        long windowFirstRuns = -1;
        if (Math.ceil((double) width / scale) > 1024 || Math.ceil((double) height / scale) > 1024) {
            // a source cache whose eighth is smaller than this restore: the ingest restores its window only
            Map<String, String> small = new HashMap<>(settings);
            small.put("cache.sourceMaxBytes", Long.toString(3L * width * height * 8 - 1));
            try (Running iris = Running.start(ConfigLoader.load(Optional.of(configFile), small, base))) {
                long t = System.nanoTime();
                iris.ingest(name + "-window", source, scale);
                windowIngestMs = ms(t);
                long runs = iris.modelRuns();
                windowFirstMs = iris.timedGet("/img/" + name + "-window.jpg?w=" + WIDTH).ms();
                windowFirstRuns = iris.modelRuns() - runs;
            }
        }
        ResizeBaselines.Times baselines = ResizeBaselines.measure(sourceFile, WIDTH, scratch.dir());
        return new Row(width * (double) height / 1e6, width, height, source.length, ingestMs, ingestRuns,
                afterIngestMs, afterIngestRuns, warmMs, afterRestartMs, afterRestartRuns, provisionalMs,
                provisionalCacheControl, windowIngestMs, windowFirstMs, windowFirstRuns, baselines);
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    record Timed(double ms, int status, String cacheControl) {}

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

        Timed timedGet(String path) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(10)).build();
            long t = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            double ms = ms(t);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + new String(response.body()));
            }
            return new Timed(ms, response.statusCode(), response.headers().firstValue("Cache-Control").orElse(""));
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
