package dev.iris.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one load run measured; also the one-line JSON the load generator process prints. Immutable.
 *
 * @param requests  requests started in the measured window (errors included)
 * @param seconds   the measured window
 * @param perSecond {@code requests / seconds}
 * @param latency   per-request latency, the whole response body read
 * @param meanBytes mean body bytes of the answered requests
 * @param statuses  answered requests by HTTP status
 * @param errors    requests that got no HTTP answer (connection failures, timeouts)
 */
record LoadResult(long requests, double seconds, double perSecond, Stats latency, long meanBytes,
        Map<Integer, Long> statuses, long errors) {
    private static final ObjectMapper JSON = new ObjectMapper();

    LoadResult {
        statuses = Map.copyOf(statuses);
    }

    /** Whether every request was answered 200. */
    boolean allOk() {
        return errors == 0 && statuses.keySet().stream().allMatch(s -> s == 200);
    }

    String toJson() {
        String codes = new TreeMap<>(statuses).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
        return "{\"requests\":" + requests + ",\"seconds\":" + LoadGenerator.num(seconds) + ",\"rps\":"
                + LoadGenerator.num(perSecond) + ",\"p50_ms\":" + LoadGenerator.num(latency.p50Ms())
                + ",\"p99_ms\":" + LoadGenerator.num(latency.p99Ms()) + ",\"max_ms\":"
                + LoadGenerator.num(latency.maxMs()) + ",\"mean_ms\":" + LoadGenerator.num(latency.meanMs())
                + ",\"mean_bytes\":" + meanBytes + ",\"status\":" + codes + ",\"errors\":" + errors + "}";
    }

    /** Parses {@link #toJson()}'s output (min is not carried, so it reads as NaN). */
    static LoadResult fromJson(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<Integer, Long> statuses = new TreeMap<>();
            n.path("status").properties().forEach(e -> statuses.put(Integer.parseInt(e.getKey()),
                    e.getValue().asLong()));
            long requests = n.path("requests").asLong();
            Stats latency = new Stats((int) requests, d(n, "p50_ms"), d(n, "p99_ms"), Double.NaN, d(n, "max_ms"),
                    d(n, "mean_ms"));
            return new LoadResult(requests, d(n, "seconds"), d(n, "rps"), latency, n.path("mean_bytes").asLong(),
                    statuses, n.path("errors").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException("not a load generator result: " + line, e);
        }
    }

    private static double d(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
