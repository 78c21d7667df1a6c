package dev.iris.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iris.app.IrisApp;
import dev.iris.asset.AssetMeta;
import dev.iris.hash.Sha256;
import dev.iris.image.Encoder;
import dev.iris.image.ImageFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The soak of {@code iris loadtest --soak-seconds N}: ingests of the largest source the limits allow, one after
 * another over HTTP (PUT, then polling the job), while the load generator keeps serving traffic going, with the
 * server's resident memory sampled every second. Passes when only 200, 202, 304 and 503 appear, resident memory
 * stays under heap + model budget + the JVM's allowance, at least one ingest completed, and every asset served
 * before the soak has the same pixels after it.
 */
final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long JVM_ALLOWANCE = 512L << 20;

    /** What the soak saw. */
    record Result(double seconds, LoadResult load, Map<Integer, Long> ingestStatuses, int ingestsDone,
            List<Long> rssSamples, long rssLimit, List<String> failures) {
        long maxRss() {
            return rssSamples.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    private Soak() {}

    static Result run(IrisApp app, int port, String token, List<URI> urls, int concurrency, double seconds)
            throws Exception {
        Map<String, String> before = pixelHashes(app);
        long limitPixels = app.config().limits().maxSourcePixels();
        int width = (int) Math.sqrt(limitPixels * 1.5), height = (int) (limitPixels / width);
        byte[] source = Encoder.encode(SyntheticPhoto.of(width, height), ImageFormat.JPEG, 90);
        // the native memory of encoding the largest LR (libwebp's, one large encode at a time) is budgeted too
        long rssLimit = Runtime.getRuntime().maxMemory() + app.config().limits().modelMemoryBytes() + JVM_ALLOWANCE
                + app.lrCodec().encodeNativeBytes(limitPixels / 4);
        System.out.printf(Locale.ROOT, "soak: %d s, sources %dx%d (%.1f MP, %d KiB JPEG), resident limit %d MiB%n",
                (long) seconds, width, height, width * (double) height / 1e6, source.length >> 10, rssLimit >> 20);

        List<Long> rss = new ArrayList<>();
        Map<Integer, Long> ingestStatuses = new TreeMap<>();
        int[] done = {0};
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                synchronized (rss) {
                    rss.add(ProcMemory.now().rssBytes());
                }
                sleep(1000);
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        Thread ingests = Thread.ofPlatform().start(() -> {
            for (int i = 1; System.nanoTime() < end; i++) {
                try {
                    HttpResponse<byte[]> put = http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/iris/assets/soak-" + i + "?scale="
                                    + app.config().assets().demoScale()))
                            .header("Authorization", "Bearer " + token)
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(source)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    count(ingestStatuses, put.statusCode());
                    if (put.statusCode() == 202 && finished(http, put, token, ingestStatuses)
                            || put.statusCode() == 201) {
                        done[0]++;
                    }
                } catch (IOException e) {
                    count(ingestStatuses, -1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        LoadResult load = LoadProcess.run(urls, concurrency, seconds, 0);
        ingests.join(); // the last ingest finishes, however long it takes
        stop.set(true);
        sampler.join();

        List<String> failures = new ArrayList<>();
        load.statuses().keySet().stream().filter(s -> s != 200 && s != 304 && s != 503)
                .forEach(s -> failures.add("serving: status " + s + " appeared"));
        if (load.errors() > 0) {
            failures.add("serving: " + load.errors() + " requests got no answer");
        }
        ingestStatuses.keySet().stream().filter(s -> s != 200 && s != 201 && s != 202 && s != 503)
                .forEach(s -> failures.add("ingest: status " + s + " appeared"));
        if (done[0] == 0) {
            failures.add("no ingest completed");
        }
        Result partial = new Result(seconds, load, ingestStatuses, done[0], List.copyOf(rss), rssLimit, failures);
        if (partial.maxRss() > rssLimit) {
            failures.add("resident memory reached " + (partial.maxRss() >> 20) + " MiB, over " + (rssLimit >> 20));
        }
        Map<String, String> after = pixelHashes(app);
        before.forEach((name, hash) -> {
            if (!hash.equals(after.get(name))) {
                failures.add("asset " + name + " changed or is unreadable after the soak");
            }
        });
        return new Result(seconds, load, ingestStatuses, done[0], List.copyOf(rss), rssLimit, List.copyOf(failures));
    }

    /** Polls the job the PUT answered with until it ends; whether it stored the asset. */
    private static boolean finished(HttpClient http, HttpResponse<byte[]> put, String token,
            Map<Integer, Long> statuses) throws IOException, InterruptedException {
        URI job = URI.create(put.headers().firstValue("Location").orElseThrow());
        while (true) {
            HttpResponse<byte[]> poll = http.send(HttpRequest.newBuilder(job).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode state = JSON.readTree(poll.body());
            switch (state.path("state").asText()) {
                case "done" -> {
                    return true;
                }
                case "failed" -> {
                    count(statuses, state.path("status").asInt());
                    return false;
                }
                default -> sleep(1000);
            }
        }
    }

    /** Each asset's decoded pixels, hashed: what "intact" means after the soak. */
    private static Map<String, String> pixelHashes(IrisApp app) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (AssetMeta meta : app.store().list()) {
            try {
                hashes.put(meta.name(), meta.version() + "/" + Sha256.hex(app.store().read(meta).lr().rgb()));
            } catch (RuntimeException e) {
                hashes.put(meta.name(), "unreadable: " + e.getMessage());
            }
        }
        return hashes;
    }

    static String report(Result r) {
        StringBuilder md = new StringBuilder("\n## Soak: largest sources ingested while serving\n\n");
        md.append(String.format(Locale.ROOT, "%.0f s: ingests of the largest source the limits allow, one after "
                + "another over HTTP (PUT, then polling its job), while the load generator kept %s requests/s of "
                + "serving traffic going; the server's resident memory sampled every second (%d samples).%n%n",
                r.seconds(), LoadGenerator.num(r.load().perSecond()), r.rssSamples().size()));
        md.append("| ingests completed | ingest answers | serving answers | p99 ms | resident max MiB | limit MiB |\n")
                .append("|---:|---|---|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.0f | %d | %d |%n", r.ingestsDone(),
                r.ingestStatuses(), new TreeMap<>(r.load().statuses()), r.load().latency().p99Ms(), r.maxRss() >> 20,
                r.rssLimit() >> 20));
        md.append("\nResident memory, MiB, one sample a second: ");
        md.append(String.join(" ", r.rssSamples().stream().map(b -> Long.toString(b >> 20)).toList()));
        md.append("\n\nSoak result: ").append(r.failures().isEmpty() ? "**passed**." : "**failed**:\n\n- "
                + String.join("\n- ", r.failures())).append('\n');
        return md.toString();
    }

    private static synchronized void count(Map<Integer, Long> statuses, int status) {
        statuses.merge(status, 1L, Long::sum);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
