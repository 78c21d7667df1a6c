package dev.iris.config;

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
     */
    public record Serving(String prefix, Duration maxAge, boolean acceptWebp, boolean enlarge, int defaultQuality,
            int background, List<byte[]> signingKeys) {}

    /**
     * The asset store and ingest.
     *
     * @param ingestToken bearer token for the HTTP ingest and admin endpoints; empty disables them
     * @param demoDir     originals ingested at start when no asset of that name exists yet; empty for none
     */
    public record Assets(Path dir, Optional<String> ingestToken, long maxUploadBytes, Optional<Path> demoDir,
            int demoScale) {}

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
     */
    public record Ingest(int optimizeIterations) {}

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
