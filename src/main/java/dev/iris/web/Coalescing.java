package dev.iris.web;

import com.github.benmanes.caffeine.cache.AsyncCache;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Get-or-compute on an {@link AsyncCache} that computes on the calling thread, outside Caffeine's map locks:
 * the first caller for a key installs a future and computes it; concurrent callers for the same key wait on that
 * future. Failures are not cached (the future is removed). Stateless.
 */
final class Coalescing {
    private Coalescing() {}

    static <K, V> CompletableFuture<V> get(AsyncCache<K, V> cache, K key, Supplier<V> compute) {
        CompletableFuture<V> existing = cache.getIfPresent(key);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        existing = cache.asMap().putIfAbsent(key, mine);
        if (existing != null) {
            return existing;
        }
        try {
            mine.complete(compute.get());
        } catch (Throwable t) {
            cache.asMap().remove(key, mine);
            mine.completeExceptionally(t);
        }
        return mine;
    }
}
