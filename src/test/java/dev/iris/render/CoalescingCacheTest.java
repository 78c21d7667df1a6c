package dev.iris.render;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One computation per key in flight, shared by every caller; successes cached, failures shared and forgotten. */
class CoalescingCacheTest {
    private static final int CALLERS = 8;

    private final CoalescingCache<String, String> cache = new CoalescingCache<>(
            Caffeine.newBuilder().maximumSize(100).recordStats().<String, String>build());

    @Test
    void getAsync_failureOfASharedComputation_reachesEveryWaiter_thenTheKeyIsComputedAfresh() throws Exception {
        CompletableFuture<String> run = new CompletableFuture<>(); // the one computation, finished by the test
        AtomicInteger starts = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<CompletableFuture<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                calls.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return cache.getAsync("k", () -> {
                        starts.incrementAndGet();
                        return run;
                    });
                }));
            }
            ready.await();
            go.countDown(); // all callers race for the key
            List<CompletableFuture<String>> waiters = new ArrayList<>();
            for (Future<CompletableFuture<String>> call : calls) {
                waiters.add(call.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, starts.get(), "callers of one key started separate computations");
            assertTrue(waiters.stream().noneMatch(CompletableFuture::isDone), "a waiter finished before the run");

            IllegalStateException failure = new IllegalStateException("model run failed");
            run.completeExceptionally(failure);
            for (CompletableFuture<String> waiter : waiters) {
                var e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
                assertSame(failure, e.getCause());
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(null, cache.cache().getIfPresent("k"), "a failure was cached");

        // The next caller starts a fresh computation, whose success is cached and served without another start.
        CompletableFuture<String> retry = cache.getAsync("k", () -> {
            starts.incrementAndGet();
            return CompletableFuture.completedFuture("v");
        });
        assertEquals("v", assertDoesNotThrow(() -> retry.get(10, TimeUnit.SECONDS), "the failure was remembered"));
        assertEquals(2, starts.get());
        assertEquals("v", cache.getAsync("k", () -> {
            throw new AssertionError("computed again although cached");
        }).get(10, TimeUnit.SECONDS));
    }

    @Test
    void getAsync_startThatThrows_failsTheCaller_andIsNotRemembered() throws Exception {
        IllegalArgumentException failure = new IllegalArgumentException("bad input");
        CompletableFuture<String> first = cache.getAsync("k", () -> {
            throw failure;
        });
        var e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
        assertSame(failure, e.getCause());
        CompletableFuture<String> retry = cache.get("k", () -> "v");
        assertEquals("v", assertDoesNotThrow(() -> retry.get(10, TimeUnit.SECONDS), "the failure was remembered"));
    }

    @Test
    void get_sharesTheComputationInFlight_andCachesItsValue() throws Exception {
        CompletableFuture<String> run = new CompletableFuture<>();
        CompletableFuture<String> first = cache.getAsync("k", () -> run);
        CompletableFuture<String> second = cache.get("k", () -> {
            throw new AssertionError("a second computation while one is in flight");
        });
        run.complete("v");
        assertEquals("v", first.get(10, TimeUnit.SECONDS));
        assertEquals("v", second.get(10, TimeUnit.SECONDS));
        assertEquals("v", cache.cache().getIfPresent("k"));
    }
}
