package dev.iris.asset;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.iris.model.ModelRunner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Ingests as jobs on the model runner, with a time limit of their own rather than a request's: a large source
 * takes minutes on a small machine, longer than any client should hold a connection. Each job can be looked up by
 * its id for an hour after it was submitted. Jobs live in this process only: after a restart their ids are
 * unknown, and a job that was running left the store as it was (the store commits a version atomically or not at
 * all), so the client uploads again. Thread-safe.
 */
public final class IngestJobs {
    private static final Duration KEPT = Duration.ofHours(1);
    private static final SecureRandom IDS = new SecureRandom();

    /**
     * One ingest.
     *
     * @param replacing whether an asset of that name existed when the job was submitted
     * @param result    the stored metadata, or the failure (bad input, a full queue, the time limit)
     */
    public record Job(String id, AssetName name, Instant submitted, boolean replacing,
            CompletableFuture<AssetMeta> result) {}

    private final Ingester ingester;
    private final AssetStore store;
    private final ModelRunner runner;
    private final Duration timeLimit;
    private final Cache<String, Job> jobs = Caffeine.newBuilder().expireAfterWrite(KEPT).maximumSize(10_000).build();

    public IngestJobs(Ingester ingester, AssetStore store, ModelRunner runner, Duration timeLimit) {
        this.ingester = ingester;
        this.store = store;
        this.runner = runner;
        this.timeLimit = timeLimit;
    }

    /** Queues the ingest of {@code request}; the job's result completes when it is stored or has failed. */
    public Job submit(Ingester.Request request) {
        byte[] id = new byte[12];
        IDS.nextBytes(id);
        boolean replacing = store.find(request.name()).isPresent();
        Job job = new Job(HexFormat.of().formatHex(id), request.name(), Instant.now(), replacing,
                runner.submit("ingest of " + request.name(), timeLimit, control -> ingester.ingest(request, control)));
        jobs.put(job.id(), job);
        return job;
    }

    /** The job with {@code id}, if it was submitted here within the last hour. */
    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.getIfPresent(id));
    }
}
