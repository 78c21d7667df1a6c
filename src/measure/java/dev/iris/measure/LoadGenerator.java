package dev.iris.measure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A closed-loop HTTP load generator, meant to run in its own JVM so that its CPU use is not mixed into the
 * server's: {@code N} platform threads, each sending GETs over HTTP/1.1 keep-alive round-robin over the given
 * URLs, for a warm-up and then a fixed measured time. Prints one JSON line: requests, seconds, requests/s,
 * p50/p99/max latency, mean body bytes, counts per status and errors. Only requests started inside the measured
 * window count.
 *
 * <p>{@code java -cp iris-measure.jar dev.iris.measure.LoadGenerator --concurrency 16 --seconds 10 --warmup 2 URL...}
 *
 * <p>Instances are used by one {@link #run} at a time; the workers share only thread-safe counters.
 */
public final class LoadGenerator {
    private final List<URI> targets;
    private final int concurrency;
    private final Duration warmup;
    private final Duration measure;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    LoadGenerator(List<URI> targets, int concurrency, Duration warmup, Duration measure) {
        if (targets.isEmpty() || concurrency < 1 || measure.isNegative() || measure.isZero()) {
            throw new IllegalArgumentException("need URLs, concurrency >= 1 and a positive duration");
        }
        for (URI uri : targets) {
            // Loopback only: this tool must never load anything but the server under test on this machine.
            if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
                throw new IllegalArgumentException("only loopback targets are allowed, got " + uri);
            }
        }
        this.targets = List.copyOf(targets);
        this.concurrency = concurrency;
        this.warmup = warmup;
        this.measure = measure;
    }

    public static void main(String[] args) throws Exception {
        int concurrency = 16;
        double seconds = 10;
        double warmup = 2;
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> urls.add(URI.create(args[i]));
            }
        }
        LoadResult result = new LoadGenerator(urls, concurrency, Duration.ofMillis((long) (warmup * 1000)),
                Duration.ofMillis((long) (seconds * 1000))).run();
        System.out.println(result.toJson());
    }

    /** Runs the load and returns what was measured; blocks for warm-up plus measured time (plus one request). */
    LoadResult run() throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        Worker[] workers = new Worker[concurrency];
        Thread[] threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = new Worker(i, windowStart, windowEnd);
            threads[i] = Thread.ofPlatform().name("load-" + i).daemon().start(workers[i]);
        }
        for (Thread t : threads) {
            t.join();
        }
        long requests = 0;
        long bytes = 0;
        long errors = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        List<long[]> latencies = new ArrayList<>();
        for (Worker w : workers) {
            requests += w.count;
            bytes += w.bytes;
            errors += w.errors;
            w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            latencies.add(Arrays.copyOf(w.latencies, w.count));
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
        double secs = measure.toNanos() / 1e9;
        return new LoadResult(requests, secs, requests / secs, Stats.ofNanos(all), all.length == 0 ? 0
                : bytes / Math.max(1, requests - errors), statuses, errors);
    }

    /** One closed-loop client: next request as soon as the last one finished. */
    private final class Worker implements Runnable {
        private final int offset;
        private final long windowStart;
        private final long windowEnd;
        private long[] latencies = new long[1024];
        private int count;
        private long bytes;
        private long errors;
        private final Map<Integer, Long> statuses = new TreeMap<>();
        private long sent;

        Worker(int offset, long windowStart, long windowEnd) {
            this.offset = offset;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        @Override
        public void run() {
            while (true) {
                long begin = System.nanoTime();
                if (begin >= windowEnd) {
                    return;
                }
                URI uri = targets.get((int) ((offset + sent++) % targets.size()));
                int status;
                long body = 0;
                try {
                    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).GET()
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = response.body()) {
                        body = in.transferTo(OutputStream.nullOutputStream());
                    }
                    status = response.statusCode();
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long end = System.nanoTime();
                if (begin < windowStart) {
                    continue; // warm-up: connections, JIT, caches
                }
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = end - begin;
                if (status < 0) {
                    errors++;
                } else {
                    bytes += body;
                    statuses.merge(status, 1L, Long::sum);
                }
            }
        }
    }

    /** Formats a double for JSON (no exponent, dot decimal separator, NaN as null). */
    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
    }
}
