package dev.iris.app;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.iris.render.ImageCaches;
import dev.iris.model.Rescaler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code /iris/health} report. Thread-safe. */
final class Health {
    private Health() {}

    static Map<String, Object> report(IrisApp app, MemoryBudget memory) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", app.models().isPresent() ? "ok" : "degraded");
        out.put("mode", app.models().isPresent() ? "model" : "lr-only");
        // The reason names files under the models directory: shown relative to models.dir, never as a server path.
        String modelsDir = app.config().models().dir().toAbsolutePath().toString();
        app.modelProblem().ifPresent(problem -> out.put("modelProblem", problem.replace(modelsDir, "models.dir")));
        List<Map<String, Object>> models = app.models().map(m -> m.all().stream().map(Health::model).toList())
                .orElse(List.of());
        out.put("models", models);
        out.put("onnxRuntime", Map.of("version", app.ort().version(), "library", app.ort().library().getFileName().toString()));
        out.put("modelRuns", Map.of("total", app.runner().finished(), "active", app.runner().active(),
                "queued", app.runner().queued()));
        Map<String, Object> caches = new LinkedHashMap<>();
        app.caches().usage().forEach((name, usage) -> caches.put(name, cache(usage)));
        out.put("caches", caches);
        out.put("memory", memory.report());
        return out;
    }

    private static Map<String, Object> model(Rescaler rescaler) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", rescaler.pack().id());
        out.put("scale", rescaler.scale());
        out.put("provider", rescaler.pack().provider());
        out.put("tileLr", rescaler.tileLr());
        // encode-time optimisation: its tile side, or absent when the pack ships no gradient graph
        rescaler.optimizer().ifPresent(optimizer -> out.put("optimizeTileLr", optimizer.tileLr()));
        out.put("upSha256", rescaler.pack().card().upSha256());
        return out;
    }

    private static Map<String, Object> cache(ImageCaches.Usage usage) {
        CacheStats stats = usage.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", usage.bytes());
        out.put("maxBytes", usage.maxBytes());
        out.put("hitRate", Math.round(stats.hitRate() * 1000) / 1000.0);
        out.put("hits", stats.hitCount());
        out.put("misses", stats.missCount());
        out.put("evictions", stats.evictionCount());
        return out;
    }
}
