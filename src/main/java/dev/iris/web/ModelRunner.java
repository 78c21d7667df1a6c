package dev.iris.web;

import dev.iris.ort.OrtException;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunControl;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs model work on a fixed number of threads with a bounded wait queue, as imgproxy's workers do: when the
 * queue is full the work fails at once with 503 instead of piling up. Each run gets a {@link RunControl} that is
 * cancelled when the time limit passes. Thread-safe.
 */
public final class ModelRunner implements AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final OrtRuntime ort;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final Duration timeLimit;
    private final Metrics metrics;

    public ModelRunner(OrtRuntime ort, int threads, int queueLength, Duration timeLimit, Metrics metrics) {
        this.ort = ort;
        this.timeLimit = timeLimit;
        this.metrics = metrics;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                queueLength == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueLength),
                r -> Thread.ofPlatform().name("iris-model-" + n.incrementAndGet()).daemon().unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("iris-model-timer").daemon().unstarted(r));
    }

    /**
     * Queues {@code work}; the future fails with {@link IrisError.Unavailable} when the queue is full, the run
     * times out, or ONNX Runtime fails. Any other failure of {@code work} (bad input found while decoding, say)
     * is passed on as it is, so the caller answers it as the input's fault rather than the model's.
     */
    public <T> CompletableFuture<T> submit(String what, Function<RunControl, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> run(what, work, result));
        } catch (RejectedExecutionException e) {
            metrics.rejectedRun();
            result.completeExceptionally(new IrisError.Unavailable(
                    "server busy: the model queue is full, retry shortly", RETRY_AFTER, null));
        }
        return result;
    }

    private <T> void run(String what, Function<RunControl, T> work, CompletableFuture<T> result) {
        long start = System.nanoTime();
        try (RunControl control = ort.newRunControl()) {
            ScheduledFuture<?> deadline = timer.schedule(control::cancel, timeLimit.toMillis(), TimeUnit.MILLISECONDS);
            try {
                result.complete(work.apply(control));
                metrics.modelRun(System.nanoTime() - start, true);
            } catch (RuntimeException e) {
                metrics.modelRun(System.nanoTime() - start, false);
                if (control.isCancelled()) {
                    result.completeExceptionally(new IrisError.Unavailable("model run for " + what
                            + " exceeded the time limit of " + timeLimit.toMillis() + " ms", RETRY_AFTER, e));
                } else if (e instanceof OrtException) {
                    result.completeExceptionally(new IrisError.Unavailable("model run for " + what + " failed",
                            RETRY_AFTER, e));
                } else {
                    result.completeExceptionally(e);
                }
            } finally {
                deadline.cancel(false);
            }
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    /** Runs queued or running now, and the queue's free places, for health and metrics. */
    public int active() {
        return pool.getActiveCount();
    }

    public int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        timer.shutdownNow();
    }
}
