package dev.iris.measure;

import dev.iris.image.Decoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Measures a server over loopback: sequential cold and warm latency per width of iris (from this process, since
 * they are one request at a time) and closed-loop throughput of any endpoint from a separate load generator
 * process at the same concurrency. Every loop is bounded by a count or a time. Not thread-safe.
 */
final class ServerBench {
    /** How long and how hard to measure: cold and warm samples per width, load concurrency and times. Immutable. */
    record Settings(int coldRuns, int warmRuns, int concurrency, double seconds, double warmupSeconds) {}

    private final String base;
    private final List<String> names;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * @param port  the server's port on 127.0.0.1
     * @param names asset names of the demo images (also their original file names without .jpg)
     */
    ServerBench(int port, List<String> names, Settings settings) {
        this.base = "http://127.0.0.1:" + port;
        this.names = List.copyOf(names);
        this.settings = settings;
    }

    /**
     * Cold and warm latency of iris's {@code /img/{name}.jpg?w=}{@code width}. Cold: one request to each of
     * {@code coldAssets}, assets that no request has touched yet, so no cache holds their LR, restore or encoded
     * answer. Warm: the demo images in turn, after one request of each.
     *
     * @param restoreNeeded whether a width needs the model, for the report
     * @param coldAssets    names of fresh assets (copies of the demo images under new names), one per cold sample
     */
    LatencyRow latency(int width, IntPredicate restoreNeeded, List<String> coldAssets) {
        String query = ".jpg?w=" + width;
        long runsBefore = modelRuns();
        long[] cold = new long[coldAssets.size()];
        for (int i = 0; i < cold.length; i++) {
            cold[i] = timedGet("/img/" + coldAssets.get(i) + query).nanos();
        }
        double runsPerCold = (modelRuns() - runsBefore) / (double) Math.max(1, cold.length);
        Response first = timedGet("/img/" + names.getFirst() + query); // primes the cache for the warm runs
        names.forEach(n -> timedGet("/img/" + n + query));
        long[] warm = new long[settings.warmRuns()];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = timedGet("/img/" + names.get(i % names.size()) + query).nanos();
        }
        int served = Decoder.probe(first.body()).width();
        return new LatencyRow(width, served, restoreNeeded.test(width), Stats.ofNanos(cold), runsPerCold,
                Stats.ofNanos(warm), first.body().length);
    }

    /** Throughput of {@code pathPattern} ({@code {name}} replaced by each image), primed first. */
    ThroughputRow throughput(String label, String pathPattern) {
        List<URI> urls = new ArrayList<>();
        for (String name : names) {
            String path = pathPattern.replace("{name}", name);
            timedGet(path); // so a cached endpoint is measured warm, and a broken one fails here, loudly
            urls.add(URI.create(base + path));
        }
        return new ThroughputRow(label, pathPattern, LoadProcess.run(urls, settings.concurrency(),
                settings.seconds(), settings.warmupSeconds()));
    }

    /** The body of a 200 answer to {@code path} (e.g. to save an iris output as a static file). */
    byte[] get(String path) {
        return timedGet(path).body();
    }

    /**
     * Model runs so far, from the Prometheus text of {@code /iris/metrics}: the count of the {@code iris.model.run}
     * timer, summed over its series (one per outcome); -1 if not found.
     */
    private long modelRuns() {
        String text = new String(timedGet("/iris/metrics").body(), java.nio.charset.StandardCharsets.UTF_8);
        List<Long> counts = text.lines().filter(l -> l.startsWith("iris_model_run_seconds_count"))
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
        return counts.isEmpty() ? -1 : counts.stream().mapToLong(Long::longValue).sum();
    }

    private record Response(long nanos, byte[] body) {}

    private Response timedGet(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .GET().build();
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long nanos = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
            }
            return new Response(nanos, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
