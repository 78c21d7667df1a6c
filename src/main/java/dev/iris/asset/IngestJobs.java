package dev.iris.asset;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.iris.model.ModelRunner;
import dev.iris.model.ModelUnavailable;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Ingests as jobs on the model runner, with a time limit of their own rather than a request's: a large source
 * takes minutes on a small machine, longer than any client should hold a connection. At most a set number of
 * ingests run at once (the rest wait in a bounded queue, beyond which a job fails at once as busy), so that they
 * neither fill every model thread, leaving restores to time out, nor hold the heap of many large sources at once.
 * Each job can be looked up by its id for an hour after it was submitted. Jobs live in this process only: after a
 * restart their ids are unknown, and a job that was running left the store as it was (the store commits a version
 * atomically or not at all), so the client uploads again. Thread-safe.
 */
public final class IngestJobs implements AutoCloseable {
    private static final Duration KEPT = Duration.ofHours(1);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final SecureRandom IDS = new SecureRandom();

    /**
     * One ingest.
     *
     * @param replacing whether an asset of that name existed when the job was submitted
     * @param result    the stored metadata, or the failure (bad input, a full queue, the time limit)
     * @param progress  how far its LR optimisation has got, for ingests that optimise
     */
    public record Job(String id, AssetName name, Instant submitted, boolean replacing,
            CompletableFuture<AssetMeta> result, Progress progress) {}

    /** The fraction of a job's LR optimisation done, 0 to 1; written by the ingest, read by pollers. Thread-safe. */
    public static final class Progress implements DoubleConsumer {
        private volatile double fraction;

        @Override
        public void accept(double value) {
            fraction = value;
        }

        public double fraction() {
            return fraction;
        }
    }

    private final Ingester ingester;
    private final RestoreKeeper keeper;
    private final AssetStore store;
    private final ModelRunner runner;
    private final Duration timeLimit;
    /** Holds one thread per ingest in progress while its model work runs: the limit on ingests at once. */
    private final ThreadPoolExecutor admission;
    /** By id; bounded by time only, so a job still running is never forgotten (finished jobs are a few objects). */
    private final Cache<String, Job> jobs = Caffeine.newBuilder().expireAfterWrite(KEPT).build();

    /**
     * @param keeper      takes each ingest's restore (see {@link Ingester#ingest(Ingester.Request,
     *                    dev.iris.ort.RunControl, RestoreKeeper)})
     * @param concurrent  ingests running at once
     * @param queueLength ingests waiting at most; more fail at once with {@link ModelUnavailable}
     */
    public IngestJobs(Ingester ingester, RestoreKeeper keeper, AssetStore store, ModelRunner runner,
            Duration timeLimit, int concurrent, int queueLength) {
        this.ingester = ingester;
        this.keeper = keeper;
        this.store = store;
        this.runner = runner;
        this.timeLimit = timeLimit;
        this.admission = new ThreadPoolExecutor(concurrent, concurrent, 0, TimeUnit.SECONDS,
                queueLength == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueLength),
                r -> Thread.ofPlatform().name("iris-ingest").daemon().unstarted(r));
    }

    /** Queues the ingest of {@code request}; the job's result completes when it is stored or has failed. */
    public Job submit(Ingester.Request request) {
        byte[] id = new byte[12];
        IDS.nextBytes(id);
        CompletableFuture<AssetMeta> result = new CompletableFuture<>();
        Job job = new Job(HexFormat.of().formatHex(id), request.name(), Instant.now(),
                store.find(request.name()).isPresent(), result, new Progress());
        jobs.put(job.id(), job);
        try {
            admission.execute(() -> runner.submit("ingest of " + request.name(), timeLimit,
                    control -> ingester.ingest(request, control, keeper, job.progress()))
                    .whenComplete((meta, failure) -> {
                        if (failure == null) {
                            result.complete(meta);
                        } else {
                            result.completeExceptionally(failure);
                        }
                    })
                    .exceptionally(failure -> null)
                    .join());
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new ModelUnavailable("server busy: too many ingests waiting, retry later",
                    RETRY_AFTER, null));
        }
        return job;
    }

    /** The job with {@code id}, if it was submitted here within the last hour. */
    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.getIfPresent(id));
    }

    /** Stops admitting ingests; those waiting fail as the runner closes (call before closing it). */
    @Override
    public void close() {
        admission.shutdown();
    }
}
