package dev.iris.model;

import dev.iris.ort.OrtException;
import dev.iris.ort.RunControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs model work on a fixed number of threads with a bounded wait queue, as imgproxy's workers do: when the
 * queue is full the work fails at once with {@link ModelUnavailable} instead of piling up. Thread-safe.
 *
 * <p>The time limit counts from submission, not from the start of the run: work that waited in the queue past it
 * is dropped unrun (whoever asked for it has given up by then), and a run gets only what is left of it, enforced
 * by cancelling its {@link RunControl} inside ONNX Runtime. A run is not cancelled when one client goes away:
 * restores are shared by every request for the asset and cached, so a finished run still serves the next one.
 *
 * <p>Admission is counted here, not left to the executor's queue: {@code threads + queueLength} places, each freed
 * before the run's waiters learn its outcome. With the executor's own bounded queue (a {@code SynchronousQueue}
 * for no queue at all), a pool thread that had just completed a run was still busy running the future's
 * dependents, or on its way back to the queue, when the client it answered sent its next request, which was then
 * refused although nothing was running.
 */
public final class ModelRunner implements AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final Supplier<RunControl> controls;
    private final ThreadPoolExecutor pool;
    private final Semaphore places;
    private final ScheduledExecutorService timer;
    private final Duration timeLimit;
    private final Timer succeeded;
    private final Timer failed;
    private final Counter rejected;
    private final Counter expired;
    /**
     * Controls of the runs in progress, so that closing can stop them before the sessions are released, and so that
     * the one run in progress alone can use every core ({@link #started}, {@link #ended}).
     */
    private final Set<RunControl> running = ConcurrentHashMap.newKeySet();

    /**
     * @param controls makes each run's control: ORT run options matching the sessions the runs use
     *                 ({@code () -> ort.newRunControl(options.runConfig())})
     */
    public ModelRunner(Supplier<RunControl> controls, int threads, int queueLength, Duration timeLimit,
            MeterRegistry meters) {
        this.controls = controls;
        this.timeLimit = timeLimit;
        AtomicInteger n = new AtomicInteger();
        this.places = new Semaphore(threads + queueLength);
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), // bounded by the places
                r -> Thread.ofPlatform().name("iris-model-" + n.incrementAndGet()).daemon().unstarted(r),
                new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("iris-model-timer").daemon().unstarted(r));
        this.succeeded = runTimer(meters, "ok");
        this.failed = runTimer(meters, "failed");
        this.rejected = Counter.builder("iris.model.runs.rejected")
                .description("Model runs refused because the queue was full").register(meters);
        this.expired = Counter.builder("iris.model.runs.expired")
                .description("Model runs dropped unrun: they waited in the queue past the time limit")
                .register(meters);
        Gauge.builder("iris.model.runs.active", pool, ThreadPoolExecutor::getActiveCount)
                .description("Model runs in progress").register(meters);
        Gauge.builder("iris.model.runs.queued", pool, p -> p.getQueue().size())
                .description("Model runs waiting for a thread").register(meters);
    }

    private static Timer runTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("iris.model.run").description("Duration of model work (restores and ingest jobs)")
                .tag("outcome", outcome).publishPercentileHistogram().register(meters);
    }

    /**
     * Queues {@code work}; the future fails with {@link ModelUnavailable} when the queue is full, the time limit
     * passes, or ONNX Runtime fails. Any other failure of {@code work} (bad input found while decoding, say) is
     * passed on as it is, so the caller answers it as the input's fault rather than the model's.
     */
    public <T> CompletableFuture<T> submit(String what, Function<RunControl, T> work) {
        return submit(what, timeLimit, work);
    }

    /** As {@link #submit(String, Function)}, with a time limit of its own (ingest jobs). */
    public <T> CompletableFuture<T> submit(String what, Duration limit, Function<RunControl, T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        long deadline = System.nanoTime() + limit.toNanos();
        if (!places.tryAcquire()) {
            rejected.increment();
            future.completeExceptionally(new ModelUnavailable(
                    "server busy: the model queue is full, retry shortly", RETRY_AFTER, null));
            return future;
        }
        Outcome<T> result = new Outcome<>(future);
        try {
            pool.execute(new Task(result, () -> run(what, work, result, deadline, limit)));
        } catch (RejectedExecutionException e) { // closed
            result.completeExceptionally(new ModelUnavailable("server shutting down", RETRY_AFTER, null));
        }
        return future;
    }

    /** A run's future, completed once; completing it frees the run's place first. */
    private final class Outcome<T> {
        private final CompletableFuture<T> future;
        private final AtomicBoolean placeHeld = new AtomicBoolean(true);

        Outcome(CompletableFuture<T> future) {
            this.future = future;
        }

        void complete(T value) {
            freePlace();
            future.complete(value);
        }

        void completeExceptionally(Throwable e) {
            freePlace();
            future.completeExceptionally(e);
        }

        private void freePlace() {
            if (placeHeld.compareAndSet(true, false)) {
                places.release();
            }
        }
    }

    private <T> void run(String what, Function<RunControl, T> work, Outcome<T> result, long deadline,
            Duration limit) {
        long start = System.nanoTime();
        long left = deadline - start;
        if (left <= 0) {
            expired.increment();
            result.completeExceptionally(new ModelUnavailable("server busy: the model run for " + what
                    + " waited past the time limit of " + limit.toMillis() + " ms", RETRY_AFTER, null));
            return;
        }
        try (RunControl control = controls.get()) {
            started(control); // before anything can fail, so that close() always finds it
            if (pool.isShutdown()) {
                control.cancel();
            }
            ScheduledFuture<?> cancel;
            try {
                cancel = timer.schedule(control::cancel, left, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) { // closing
                ended(control);
                result.completeExceptionally(new ModelUnavailable("server shutting down", RETRY_AFTER, null));
                return;
            }
            try {
                T value = work.apply(control);
                // counted before anyone learns of the result, so a caller that waited for it sees the run counted
                succeeded.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                result.complete(value);
            } catch (RuntimeException e) {
                failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                if (control.isCancelled()) {
                    result.completeExceptionally(new ModelUnavailable("model run for " + what
                            + " exceeded the time limit of " + limit.toMillis() + " ms", RETRY_AFTER, e));
                } else if (e instanceof OrtException) {
                    result.completeExceptionally(new ModelUnavailable("model run for " + what + " failed",
                            RETRY_AFTER, e));
                } else {
                    result.completeExceptionally(e);
                }
            } finally {
                ended(control);
                cancel.cancel(false);
            }
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * Work in progress alone may use every core (the sessions' wider pool, {@code SessionOptions.aloneIntraOpThreads}):
     * the pool is sized for {@code threads} runs at once, so a lone run would otherwise leave cores idle. When a
     * second run starts, the first narrows at its next ORT run; when one of two ends, the other widens again.
     */
    private synchronized void started(RunControl control) {
        running.add(control);
        markAlone();
    }

    private synchronized void ended(RunControl control) {
        running.remove(control);
        markAlone();
    }

    private void markAlone() {
        boolean alone = running.size() == 1;
        running.forEach(c -> c.runAlone(alone));
    }

    /** Queued work whose waiters learn it was dropped when the runner closes, rather than waiting out its limit. */
    private record Task(Outcome<?> result, Runnable body) implements Runnable {
        @Override
        public void run() {
            body.run();
        }

        void abandon() {
            result.completeExceptionally(new ModelUnavailable("server shutting down", RETRY_AFTER, null));
        }
    }

    /** Runs in progress now, for health. */
    public int active() {
        return pool.getActiveCount();
    }

    /** Runs waiting for a thread now, for health. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** Runs finished so far, successful or not, for health. */
    public long finished() {
        return succeeded.count() + failed.count();
    }

    /**
     * Drops queued work, cancels runs in progress inside ONNX Runtime and waits for them to return, so that the
     * sessions can be released safely afterwards. An ingest cut short this way stores nothing.
     */
    @Override
    public void close() {
        for (Runnable queued : pool.shutdownNow()) {
            ((Task) queued).abandon();
        }
        running.forEach(RunControl::cancel);
        timer.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                System.getLogger(ModelRunner.class.getName()).log(System.Logger.Level.WARNING,
                        "model runs still busy 30 s after they were cancelled");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
