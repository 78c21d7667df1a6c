package dev.iris.web;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms, written in Prometheus' text format. Thread-safe; recording is a few
 * {@link LongAdder} increments.
 */
public final class Metrics {
    /** Histogram bucket upper bounds, in seconds. */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final Histogram requestSeconds = new Histogram();
    private final Histogram modelSeconds = new Histogram();
    private final LongAdder modelFailures = new LongAdder();
    private final LongAdder rejectedRuns = new LongAdder();

    /** One finished image request. */
    public void request(int status, long nanos) {
        responses.computeIfAbsent(status, s -> new LongAdder()).increment();
        requestSeconds.record(nanos);
    }

    void modelRun(long nanos, boolean ok) {
        modelSeconds.record(nanos);
        if (!ok) {
            modelFailures.increment();
        }
    }

    void rejectedRun() {
        rejectedRuns.increment();
    }

    long modelRuns() {
        return modelSeconds.count.sum();
    }

    /** The exposition text, with the caches' statistics. */
    String prometheus(Map<String, CacheStats> caches, Map<String, Long> cacheBytes, int activeRuns, int queuedRuns) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP iris_http_responses_total Image and admin responses by status.\n")
                .append("# TYPE iris_http_responses_total counter\n");
        responses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.append(
                "iris_http_responses_total{status=\"").append(e.getKey()).append("\"} ")
                .append(e.getValue().sum()).append('\n'));
        requestSeconds.write(out, "iris_http_request_seconds", "Latency of image requests.");
        modelSeconds.write(out, "iris_model_run_seconds", "Duration of model runs (restores).");
        counter(out, "iris_model_run_failures_total", "Model runs that failed or timed out.", modelFailures.sum());
        counter(out, "iris_model_runs_rejected_total", "Model runs refused because the queue was full.",
                rejectedRuns.sum());
        gauge(out, "iris_model_runs_active", "Model runs in progress.", activeRuns);
        gauge(out, "iris_model_runs_queued", "Model runs waiting.", queuedRuns);
        out.append("# HELP iris_cache_requests_total Cache look-ups by result.\n")
                .append("# TYPE iris_cache_requests_total counter\n");
        caches.forEach((name, s) -> out
                .append("iris_cache_requests_total{cache=\"").append(name).append("\",result=\"hit\"} ")
                .append(s.hitCount()).append('\n')
                .append("iris_cache_requests_total{cache=\"").append(name).append("\",result=\"miss\"} ")
                .append(s.missCount()).append('\n'));
        out.append("# HELP iris_cache_evictions_total Entries evicted to stay within the byte budget.\n")
                .append("# TYPE iris_cache_evictions_total counter\n");
        caches.forEach((name, s) -> out.append("iris_cache_evictions_total{cache=\"").append(name).append("\"} ")
                .append(s.evictionCount()).append('\n'));
        out.append("# HELP iris_cache_bytes Bytes held by each cache.\n# TYPE iris_cache_bytes gauge\n");
        cacheBytes.forEach((name, bytes) -> out.append("iris_cache_bytes{cache=\"").append(name).append("\"} ")
                .append(bytes).append('\n'));
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                .append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                .append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    /** A fixed-bucket histogram; buckets are cumulative when written, as Prometheus expects. */
    private static final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long nanos) {
            double seconds = nanos / 1e9;
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sumNanos.add(nanos);
        }

        void write(StringBuilder out, String name, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                    .append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                out.append(name).append("_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cumulative)
                        .append('\n');
            }
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n')
                    .append(name).append("_sum ").append(String.format(Locale.ROOT, "%.6f", sumNanos.sum() / 1e9))
                    .append('\n').append(name).append("_count ").append(count.sum()).append('\n');
        }
    }
}
