package dev.iris.render;

import com.github.benmanes.caffeine.cache.Cache;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A Caffeine cache of finished values plus a map of computations in flight, so that concurrent requests for one
 * key share one computation (one model run, one encode). Only successes enter the cache; a failure reaches every
 * waiting caller once and is forgotten. Work starts outside any map lock. Thread-safe.
 *
 * <p>Why not {@code AsyncCache}: it would hold failed futures long enough to log each as a failed load, twice
 * reporting what the request's error handling already reports, and its compute runs under a map-bin lock.
 */
final class CoalescingCache<K, V> {
    private final Cache<K, V> cache;
    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    CoalescingCache(Cache<K, V> cache) {
        this.cache = cache;
    }

    Cache<K, V> cache() {
        return cache;
    }

    /** Caches {@code value}, made elsewhere; a computation of it already in flight still finishes and caches its own. */
    void put(K key, V value) {
        cache.put(key, value);
    }

    /** The value cached or being computed, if either; starts nothing. */
    Optional<CompletableFuture<V>> ifPresent(K key) {
        V cached = cache.getIfPresent(key);
        return cached != null ? Optional.of(CompletableFuture.completedFuture(cached))
                : Optional.ofNullable(inFlight.get(key));
    }

    /** Computes synchronously on the calling thread (resampling and encoding). */
    CompletableFuture<V> get(K key, Supplier<V> compute) {
        return getAsync(key, () -> CompletableFuture.completedFuture(compute.get()));
    }

    /** Starts asynchronous work (a model run on its own executor), unless cached or already in flight. */
    CompletableFuture<V> getAsync(K key, Supplier<CompletableFuture<V>> start) {
        V cached = cache.getIfPresent(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return existing;
        }
        cached = cache.asMap().get(key); // finished between the miss above and our claim (no stats recorded)
        if (cached != null) {
            inFlight.remove(key, mine);
            mine.complete(cached);
            return mine;
        }
        CompletableFuture<V> started;
        try {
            started = start.get();
        } catch (RuntimeException | Error e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((value, failure) -> {
            if (failure == null) {
                cache.put(key, value); // before leaving the in-flight map, so no caller finds neither
            }
            inFlight.remove(key, mine);
            if (failure == null) {
                mine.complete(value);
            } else {
                mine.completeExceptionally(failure);
            }
        });
        return mine;
    }
}
