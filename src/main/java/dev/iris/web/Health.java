package dev.iris.web;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.iris.model.Rescaler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code /iris/health} report. Thread-safe. */
final class Health {
    private final IrisApp app;

    Health(IrisApp app) {
        this.app = app;
    }

    Map<String, Object> report() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", app.models().isPresent() ? "ok" : "degraded");
        out.put("mode", app.models().isPresent() ? "model" : "lr-only");
        app.modelProblem().ifPresent(problem -> out.put("modelProblem", problem));
        List<Map<String, Object>> models = app.models().map(m -> m.all().stream().map(Health::model).toList())
                .orElse(List.of());
        out.put("models", models);
        out.put("onnxRuntime", Map.of("version", app.ort().version(), "library", app.ort().library().toString()));
        out.put("modelRuns", Map.of("total", app.metrics().modelRuns(), "active", app.runner().active(),
                "queued", app.runner().queued()));
        Map<String, Object> caches = new LinkedHashMap<>();
        Map<String, Long> bytes = app.caches().bytes();
        Map<String, Long> max = app.caches().maxBytes();
        app.caches().stats().forEach((name, stats) -> caches.put(name, cache(stats, bytes.get(name), max.get(name))));
        out.put("caches", caches);
        return out;
    }

    private static Map<String, Object> model(Rescaler rescaler) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", rescaler.pack().id());
        out.put("scale", rescaler.scale());
        out.put("provider", rescaler.pack().provider());
        out.put("upSha256", rescaler.pack().card().upSha256());
        return out;
    }

    private static Map<String, Object> cache(CacheStats stats, long bytes, long maxBytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", bytes);
        out.put("maxBytes", maxBytes);
        out.put("hitRate", Math.round(stats.hitRate() * 1000) / 1000.0);
        out.put("hits", stats.hitCount());
        out.put("misses", stats.missCount());
        out.put("evictions", stats.evictionCount());
        return out;
    }
}
