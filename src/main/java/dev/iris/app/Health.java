package dev.iris.app;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.iris.asset.RestoredTier;
import dev.iris.render.ImageCaches;
import dev.iris.model.ArbitraryRescaler;
import dev.iris.model.RescaleModel;
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
        Map<String, Object> provisional = new LinkedHashMap<>();
        // serving.restoreWaitMs: whether a request that needs a restore may be answered from the LR meanwhile
        provisional.put("enabled", app.config().serving().restoreWait().isPresent());
        app.config().serving().restoreWait().ifPresent(wait -> provisional.put("restoreWaitMs", wait.toMillis()));
        provisional.put("answers", app.renderer().provisionalAnswers());
        out.put("provisional", provisional);
        // restores of only the part of the original a crop reads (Renderer.partToRestore)
        out.put("partialRestores", app.renderer().partialRestores());
        Map<String, Object> caches = new LinkedHashMap<>();
        app.caches().usage().forEach((name, usage) -> caches.put(name, cache(usage)));
        out.put("caches", caches);
        // The kind only: the bucket, endpoint and directory are the operator's business, not every client's.
        out.put("store", app.config().assets().store().name().toLowerCase(java.util.Locale.ROOT));
        out.put("restoredTier", restoredTier(app.restoredTier().stats()));
        Map<String, Object> assets = new LinkedHashMap<>();
        assets.put("lrCodec", app.lrCodec().id());
        assets.putAll(app.assetTotals().current().report());
        out.put("assets", assets);
        out.put("memory", memory.report());
        return out;
    }

    private static Map<String, Object> model(RescaleModel model) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", model.pack().id());
        out.put("family", model.pack().card().family().name().toLowerCase(java.util.Locale.ROOT));
        switch (model) {
            case Rescaler fixed -> {
                out.put("scale", fixed.scale());
                // encode-time optimisation: its tile side, or absent when the pack ships no gradient graph
                fixed.optimizer().ifPresent(optimizer -> out.put("optimizeTileLr", optimizer.tileLr()));
                fixed.hrOptimizer().ifPresent(optimizer -> out.put("optimizeHrTileLr", optimizer.tileLr()));
            }
            case ArbitraryRescaler any -> out.put("scales", List.of(any.pack().card().minScale(),
                    any.pack().card().maxScale()));
        }
        out.put("provider", model.pack().provider());
        out.put("tileLr", model.tileLr());
        out.put("upSha256", model.pack().card().upSha256());
        return out;
    }

    private static Map<String, Object> restoredTier(RestoredTier.Stats stats) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", stats.bytes());
        out.put("maxBytes", stats.maxBytes());
        out.put("hits", stats.hits());
        out.put("misses", stats.misses());
        out.put("readFailures", stats.readFailures());
        out.put("stored", stats.stored());
        out.put("dropped", stats.dropped());
        out.put("writeFailures", stats.writeFailures());
        out.put("evictions", stats.evicted());
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
