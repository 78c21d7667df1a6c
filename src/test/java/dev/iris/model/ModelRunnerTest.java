package dev.iris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.ort.OrtRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission: a run's place is free by the time anyone learns its outcome, and a full runner refuses at once. */
class ModelRunnerTest {

    @Test
    void aRunSubmittedAsTheLastOneCompletes_isAdmitted_withOneThreadAndNoQueue() throws Exception {
        try (ModelRunner runner = new ModelRunner(() -> OrtRuntime.get().newRunControl(), 1, 0,
                Duration.ofSeconds(30), new SimpleMeterRegistry())) {
            for (int i = 0; i < 20; i++) {
                // The dependent runs on the pool thread inside the completion, before that thread is free again: the
                // moment a client that was just answered comes back.
                CompletableFuture<CompletableFuture<String>> next = runner.submit("first", c -> "a")
                        .thenApply(a -> runner.submit("second", c -> a + "b"));
                assertEquals("ab", next.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aFullRunner_refusesAtOnce_andAdmitsAgainWhenARunEnds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ModelRunner runner = new ModelRunner(() -> OrtRuntime.get().newRunControl(), 1, 1,
                Duration.ofSeconds(30), new SimpleMeterRegistry())) {
            CompletableFuture<String> running = runner.submit("running", c -> {
                await(release);
                return "r";
            });
            CompletableFuture<String> queued = runner.submit("queued", c -> "q");
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> runner.submit("third", c -> "x").get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof ModelUnavailable, refused.toString());
            release.countDown();
            assertEquals("r", running.get(10, TimeUnit.SECONDS));
            assertEquals("q", queued.get(10, TimeUnit.SECONDS));
            assertEquals("y", runner.submit("after", c -> "y").get(10, TimeUnit.SECONDS));
        }
    }

    /** The lone run in progress may use every core; a second narrows both, and its end widens the first again. */
    @Test
    void theRunInProgressAlone_isMarkedAlone_untilASecondStarts_andAgainWhenThatEnds() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch secondMayEnd = new CountDownLatch(1);
        CountDownLatch secondEnded = new CountDownLatch(1);
        try (ModelRunner runner = new ModelRunner(() -> OrtRuntime.get().newRunControl(), 2, 0,
                Duration.ofSeconds(30), new SimpleMeterRegistry())) {
            CompletableFuture<String> first = runner.submit("first", c -> {
                boolean aloneAtStart = c.isAlone();
                firstStarted.countDown();
                await(secondStarted);
                boolean aloneBeside = c.isAlone();
                secondMayEnd.countDown();
                await(secondEnded);
                // the second's end is recorded just after its future completes
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!c.isAlone() && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return aloneAtStart + " " + aloneBeside + " " + c.isAlone();
            });
            await(firstStarted);
            CompletableFuture<Boolean> second = runner.submit("second", c -> {
                secondStarted.countDown();
                await(secondMayEnd);
                return c.isAlone();
            });
            assertEquals(false, second.get(10, TimeUnit.SECONDS));
            secondEnded.countDown();
            assertEquals("true false true", first.get(10, TimeUnit.SECONDS));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
