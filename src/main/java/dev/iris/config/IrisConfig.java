package dev.iris.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything configurable, grouped by the component that reads it. Every key, its default and its meaning are
 * documented in {@code conf/iris.properties}; {@link ConfigLoader} is the only place that reads them.
 */
public record IrisConfig(Server server, Serving serving, Assets assets, Models models, Caches caches,
        Limits limits, Ingest ingest) {

    /** The embedded Jetty server. */
    public record Server(String host, int port, Duration shutdownTimeout, Path webappDir) {}

    /**
     * How images are served.
     *
     * @param prefix         URL path prefix the filter handles, starting and ending with '/'
     * @param maxAge         Cache-Control max-age for image responses
     * @param acceptWebp     whether a request without an explicit format gets WebP when its Accept header allows
     * @param enlarge        whether outputs may be larger than the original (conventional interpolation past it)
     * @param defaultQuality JPEG and WebP quality when the request gives none
     * @param background     canvas colour for fit=contain, 0xAARRGGBB
     * @param signingKeys    HMAC-SHA256 keys; when any is set, every image URL must carry a valid {@code s=}
     *                       signature made with one of them (several, to rotate keys without downtime)
     * @param restoreWait    how long a request that needs a restore not yet made waits for it before it is answered
     *                       provisionally, from the LR resampled conventionally and not cacheable, while the restore
     *                       goes on in the background; empty to always wait (no provisional answers)
     */
    public record Serving(String prefix, Duration maxAge, boolean acceptWebp, boolean enlarge, int defaultQuality,
            int background, List<byte[]> signingKeys, Optional<Duration> restoreWait) {}

    /**
     * The asset store and ingest.
     *
     * @param dir              the directory store's directory ({@code store=DIR})
     * @param ingestToken      bearer token for the HTTP ingest and admin endpoints; empty disables them
     * @param demoDir          originals ingested at start when no asset of that name exists yet; empty for none
     * @param store            where assets live: a local directory or an S3 bucket
     * @param s3               the bucket, when {@code store=S3}
     * @param metaStaleness    how long a metadata lookup may be answered from memory before the store is asked
     *                         again: a version committed by another node or process is served within this
     * @param restoredMaxBytes bytes of restored images kept in the store for every node to reuse; 0 turns the
     *                         restored tier off
     * @param lrCodec          how new LRs are stored: {@code "webp"} (lossless WebP) or {@code "png"}
     */
    public record Assets(Path dir, Optional<String> ingestToken, long maxUploadBytes, Optional<Path> demoDir,
            int demoScale, Store store, S3 s3, Duration metaStaleness, long restoredMaxBytes, String lrCodec) {}

    /** Where assets live. */
    public enum Store { DIR, S3 }

    /**
     * An S3 bucket (AWS or any S3-compatible server). Credentials are not configuration: they come from the AWS
     * SDK's default chain (environment, system properties, profiles, instance roles).
     *
     * @param endpoint          the server, e.g. {@code http://127.0.0.1:9000}; empty for AWS's own endpoint of
     *                          {@code region}
     * @param prefix            prepended to every key: empty, or ending in '/'
     * @param pathStyle         {@code http://host/bucket/key} rather than {@code http://bucket.host/key} (S3Proxy,
     *                          MinIO)
     * @param conditionalWrites whether the server honours {@code If-None-Match: *} atomically, which cross-node
     *                          locks and compare-and-set commits are built on; without it, writers of one name on
     *                          different nodes race (last writer wins) and superseded versions are never deleted
     * @param timeout           time limit of one call to the server, retries included
     */
    public record S3(Optional<URI> endpoint, String bucket, String prefix, String region, boolean pathStyle,
            boolean conditionalWrites, Duration timeout) {}

    /**
     * The models and ONNX Runtime.
     *
     * @param threads      intra-op threads per model run; 0 means one per core
     * @param cuda         whether to try the CUDA execution provider (falling back to the CPU)
     * @param lrOnlyFallback whether to serve resampled LRs when no model loads, instead of refusing to start
     * @param ortLibrary   an explicit libonnxruntime (e.g. a CUDA 13 build); empty for the one in the jar
     * @param tileLr       largest LR side restored in one model run; larger LRs go in overlapping tiles, which
     *                     bounds a run's native memory whatever the image size
     */
    public record Models(Path dir, int threads, boolean cuda, int cudaDevice, boolean lrOnlyFallback,
            Optional<Path> ortLibrary, Optional<Path> ortCacheDir, int tileLr) {}

    /**
     * Ingest choices a request can override.
     *
     * @param optimizeIterations iterations of encode-time LR optimisation an ingest asking for it without a count
     *                           ({@code optimize=true}, {@code --optimize}) gets
     * @param optimizeHrIterations iterations of HCD's HR stage an optimised ingest gets first when it does not say
     *                           ({@code optimizeHr=N}, {@code --optimize-hr=N}), on models that ship
     *                           {@code hr_grad.onnx}; 0: the LR stage only
     */
    public record Ingest(int optimizeIterations, int optimizeHrIterations) {}

    /** Byte budgets of the two Caffeine caches. */
    public record Caches(long sourceMaxBytes, long encodedMaxBytes) {}

    /**
     * Bounds on work and input.
     *
     * @param maxSourcePixels    largest uploaded image, width x height, checked from the header before decoding
     * @param maxOutputDimension largest width or height a request may ask for (after dpr)
     * @param modelThreads       model runs at once; 0 means one per core
     * @param queueLength        model runs waiting at most; more get 503 with Retry-After
     * @param requestTimeout     time limit of a request's model run, from when it is queued; cancelled after that
     * @param ingestTimeout      time limit of one ingest job (downscale, measuring restore, store), from when it
     *                           reaches the model runner; an HTTP client waits at most {@code requestTimeout} for
     *                           it, then polls
     * @param modelMemoryBytes   native memory all model runs together may use; each run's share (this divided by
     *                           the concurrent runs) bounds its tile size
     * @param allowedWidths      if not empty, the only widths (after dpr) a request may ask for
     * @param allowedQualities   if not empty, the only qualities a request may ask for
     */
    public record Limits(long maxSourcePixels, int maxOutputDimension, int modelThreads, int queueLength,
            Duration requestTimeout, Duration ingestTimeout, long modelMemoryBytes, Set<Integer> allowedWidths, Set<Integer> allowedQualities) {}
}
