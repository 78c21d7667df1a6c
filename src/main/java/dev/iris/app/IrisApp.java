package dev.iris.app;

import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.AssetUnavailable;
import dev.iris.asset.BlobStore;
import dev.iris.asset.IngestJobs;
import dev.iris.asset.Ingester;
import dev.iris.asset.LrCodec;
import dev.iris.asset.LrTarget;
import dev.iris.asset.RestoredTier;
import dev.iris.asset.S3Bucket;
import dev.iris.asset.RestoreKeeper;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.model.ModelCard;
import dev.iris.model.ModelException;
import dev.iris.model.ModelRegistry;
import dev.iris.model.ModelRunner;
import dev.iris.model.Scale;
import dev.iris.ort.ExecutionProvider;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RunControl;
import dev.iris.ort.RuntimeOptions;
import dev.iris.ort.SessionOptions;
import dev.iris.render.ImageCaches;
import dev.iris.render.Renderer;
import dev.iris.web.IrisServices;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The composition root: turns the configuration into components (ONNX Runtime, the model packs, the asset store,
 * ingest, the model runner, caches, renderer, metrics) and is the only class that names their implementations.
 * Thread-safe; one per server (embedded or WAR) or command, closed on shutdown.
 */
public final class IrisApp implements IrisServices, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IrisApp.class.getName());

    private final IrisConfig config;
    private final OrtRuntime ort;
    private final Optional<ModelRegistry> models;
    private final Optional<String> modelProblem;
    private final Optional<S3Bucket> bucket;
    private final LrCodec lrCodec;
    private final AssetStore store;
    private final AssetTotals assetTotals;
    private final RestoredTier restoredTier;
    private final Ingester ingester;
    private final IngestJobs ingestJobs;
    private final ModelRunner runner;
    private final ImageCaches caches;
    private final Renderer renderer;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** What every model run's control carries: run options matching {@link #sessionOptions}. */
    private final SessionOptions sessionOptions;

    private IrisApp(IrisConfig config, OrtRuntime ort, SessionOptions sessionOptions, Optional<ModelRegistry> models,
            Optional<String> problem) {
        this.config = config;
        this.ort = ort;
        this.sessionOptions = sessionOptions;
        this.models = models;
        this.modelProblem = problem;
        IrisConfig.Assets assets = config.assets();
        this.bucket = assets.store() == IrisConfig.Store.S3 ? Optional.of(openBucket(assets.s3())) : Optional.empty();
        this.lrCodec = lrCodec(config);
        this.store = openStore(config, bucket, lrCodec);
        this.restoredTier = bucket.map(b -> b.restoredTier(assets.restoredMaxBytes()))
                .orElseGet(() -> RestoredTier.inDirectory(assets.dir().resolve(".restored"),
                        assets.restoredMaxBytes()));
        this.ingester = models.map(m -> new Ingester(store, m,
                DecodeLimits.ofPixels(config.limits().maxSourcePixels()), Clock.systemUTC(),
                config.ingest().optimizeHrIterations())).orElse(null);
        this.runner = new ModelRunner(this::newRunControl, concurrentRuns(config), config.limits().queueLength(),
                config.limits().requestTimeout(), meters);
        this.caches = new ImageCaches(config.caches(), meters);
        this.renderer = new Renderer(store, restoredTier, models, runner, caches, config.serving(),
                config.limits().requestTimeout(), meters);
        this.assetTotals = new AssetTotals(store, System::nanoTime);
        assetTotals.bindTo(meters);
        // HTTP ingests hand their restore to the renderer's cache: the asset's first large request is then warm.
        this.ingestJobs = ingester == null ? null
                : new IngestJobs(ingester, renderer, store, runner, config.limits().ingestTimeout(),
                        // one thread always left to restores; large ingests also need ~1 GB of heap each
                        Math.max(1, concurrentRuns(config) - 1), config.limits().queueLength());
        bindStandardMetrics(meters);
        bindTierMetrics(meters);
    }

    /**
     * Opens the bucket and asks it whether it answers and honours conditional writes: a refusal (credentials, no
     * such bucket, conditions ignored) stops the start; a server that does not answer yet only gets a warning, so
     * a node starts during an outage and serves once the store is back.
     */
    private static S3Bucket openBucket(IrisConfig.S3 s3) {
        S3Bucket bucket = S3Bucket.open(s3);
        try {
            bucket.verify();
        } catch (AssetUnavailable e) {
            LOG.log(Level.WARNING, "{0}; starting anyway, requests that need the store get 503 until it answers",
                    e.getMessage());
        } catch (RuntimeException e) {
            bucket.close();
            throw e;
        }
        return bucket;
    }

    private void bindTierMetrics(MeterRegistry registry) {
        tierCounter(registry, "iris.restored.tier.reads", "result", "hit", RestoredTier.Stats::hits);
        tierCounter(registry, "iris.restored.tier.reads", "result", "miss", RestoredTier.Stats::misses);
        tierCounter(registry, "iris.restored.tier.reads", "result", "failed", RestoredTier.Stats::readFailures);
        tierCounter(registry, "iris.restored.tier.writes", "outcome", "stored", RestoredTier.Stats::stored);
        tierCounter(registry, "iris.restored.tier.writes", "outcome", "dropped", RestoredTier.Stats::dropped);
        tierCounter(registry, "iris.restored.tier.writes", "outcome", "failed", RestoredTier.Stats::writeFailures);
        FunctionCounter.builder("iris.restored.tier.evictions", restoredTier, t -> t.stats().evicted())
                .description("Restored images evicted from the tier to keep it within its byte budget")
                .register(registry);
        Gauge.builder("iris.restored.tier.bytes", restoredTier, t -> t.stats().bytes()).baseUnit("bytes")
                .description("Bytes in the restored tier at its last count (all nodes' writes)").register(registry);
    }

    private void tierCounter(MeterRegistry registry, String name, String tag, String value,
            ToDoubleFunction<RestoredTier.Stats> count) {
        FunctionCounter.builder(name, restoredTier, t -> count.applyAsDouble(t.stats())).tag(tag, value)
                .description("Restored-tier lookups and writes").register(registry);
    }

    /** An asset store opened on its own, with the S3 client it may hold; closing it closes that client. */
    public record OpenStore(AssetStore store, Optional<S3Bucket> bucket) implements AutoCloseable {
        @Override
        public void close() {
            bucket.ifPresent(S3Bucket::close);
        }
    }

    /**
     * The asset store the configuration names, without models or a server: for commands that only need the store
     * ({@code iris migrate}). Close it when done.
     */
    public static OpenStore openStore(IrisConfig config) {
        IrisConfig.Assets assets = config.assets();
        Optional<S3Bucket> bucket = assets.store() == IrisConfig.Store.S3
                ? Optional.of(openBucket(assets.s3())) : Optional.empty();
        return new OpenStore(openStore(config, bucket, lrCodec(config)), bucket);
    }

    private static AssetStore openStore(IrisConfig config, Optional<S3Bucket> bucket, LrCodec codec) {
        IrisConfig.Assets assets = config.assets();
        BlobStore blobs = bucket.map(S3Bucket::blobs).orElseGet(() -> BlobStore.directory(assets.dir()));
        return AssetStore.of(blobs, codec, assets.metaStaleness());
    }

    /**
     * The codec {@code assets.lrCodec} names; PNG, with a warning, where it cannot run here (WebP on a platform
     * libwebp's bundled library does not cover), so that such a machine still ingests, and losslessly.
     */
    public static LrCodec lrCodec(IrisConfig config) {
        LrCodec codec = LrCodec.byId(config.assets().lrCodec()).orElseThrow(); // the loader allows known ids only
        if (!codec.available()) {
            LOG.log(Level.WARNING, "assets.lrCodec={0} is not available on this machine; storing new LRs as png",
                    codec.id());
            return LrCodec.png();
        }
        return codec;
    }

    private void bindStandardMetrics(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * Loads ORT and the models and opens the store.
     *
     * @throws ModelException if no model loads and {@code models.lrOnlyFallback} is off; the message names the file
     */
    public static IrisApp start(IrisConfig config) {
        IrisConfig.Models m = config.models();
        RuntimeOptions fromEnvironment = RuntimeOptions.fromEnvironment();
        OrtRuntime ort = OrtRuntime.load(new RuntimeOptions(
                m.ortLibrary().or(fromEnvironment::library), m.ortCacheDir().orElse(fromEnvironment.cacheDir())));
        MemoryBudget memory = MemoryBudget.of(config);
        memory.problems().forEach(problem -> LOG.log(Level.WARNING, "memory budget does not fit: {0}", problem));
        // ORT's arena, shrunk at the end of every run (SessionOptions.runConfig): measured through our binding on the
        // shipped graphs it keeps a run's peak at a quarter of what plain malloc/free reaches (a 1 MP restore: 310
        // against 1316 bytes per HR pixel, ORT 1.23.2), returns it when the run ends (glibc kept the other), and is
        // faster (docs/BENCHMARKS.md). The budget is then what the runs hold at once.
        SessionOptions options = SessionOptions.defaults()
                .withCpuArena(true)
                .withIntraOpThreads(intraOpThreads(config))
                .withAloneIntraOpThreads(aloneIntraOpThreads(config))
                .withProvider(m.cuda() ? ExecutionProvider.cuda(m.cudaDevice()) : ExecutionProvider.cpu());
        ModelRegistry registry;
        try {
            long perRun = config.limits().modelMemoryBytes() / concurrentRuns(config);
            registry = ModelRegistry.load(ort, m.dir(), options, m.tileLr(), perRun);
        } catch (ModelException | UncheckedIOException e) {
            if (!m.lrOnlyFallback()) {
                throw e;
            }
            LOG.log(Level.ERROR, "no model loaded, serving LR-only: {0}", e.getMessage());
            return new IrisApp(config, ort, options, Optional.empty(), Optional.of(e.getMessage()));
        }
        try {
            return new IrisApp(config, ort, options, Optional.of(registry), Optional.empty());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /**
     * Ingests each image of the demo directory whose asset does not exist yet, or was made for another network than
     * the one now loaded for the demo scale: an LR restores only with the network that made it, and for demo images
     * the original is at hand. Returns the names ingested.
     */
    public List<String> ingestDemos() {
        Optional<Path> dir = config.assets().demoDir().filter(Files::isDirectory);
        if (dir.isEmpty() || ingester == null) {
            return List.of();
        }
        try {
            return ingestDemos(dir.get());
        } catch (AssetUnavailable e) {
            LOG.log(Level.WARNING, "demo images not ingested: {0}", e.getMessage());
            return List.of();
        }
    }

    private List<String> ingestDemos(Path dir) {
        Optional<ModelCard> demoNetwork = models.flatMap(m -> m.forScale(config.assets().demoScale()))
                .map(rescaler -> rescaler.pack().card());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(ImageFiles::isImage)
                    .sorted()
                    .filter(f -> store.find(ImageFiles.assetName(f))
                            .filter(meta -> demoNetwork.map(card -> card.restoresFor(meta.modelSha256())).orElse(true))
                            .isEmpty())
                    .map(f -> {
                        ingestFile(f, new LrTarget.Factors(Scale.uniform(config.assets().demoScale())),
                                Optional.empty(), 0, OptionalInt.of(0), renderer);
                        LOG.log(Level.INFO, "ingested demo image {0}", f.getFileName());
                        return ImageFiles.assetName(f).value();
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list demo images in " + dir, e);
        }
    }

    /**
     * Ingests one image file under the name its file name gives, its LR optimised for {@code optimizeIterations}
     * (0: not) after {@code optimizeHr} iterations of the HR stage (empty: {@code ingest.optimizeHrIterations}, as
     * {@link Ingester.Request} says), on the calling thread (the command line; HTTP ingests go through the model runner). Its restore is
     * not kept: a command that ingests and exits has no requests to keep it for, and a server in another process has
     * its own cache.
     *
     * @throws IllegalStateException if no model is loaded
     */
    public dev.iris.asset.AssetMeta ingestFile(Path file, LrTarget target, Optional<String> modelId,
            int optimizeIterations, OptionalInt optimizeHr) {
        return ingestFile(file, target, modelId, optimizeIterations, optimizeHr, RestoreKeeper.NONE);
    }

    /** As {@link #ingestFile(Path, LrTarget, Optional, int, OptionalInt)} at a fixed integer scale, unoptimised. */
    public dev.iris.asset.AssetMeta ingestFile(Path file, int scale, Optional<String> modelId) {
        return ingestFile(file, new LrTarget.Factors(Scale.uniform(scale)), modelId, 0, OptionalInt.of(0),
                RestoreKeeper.NONE);
    }

    private dev.iris.asset.AssetMeta ingestFile(Path file, LrTarget target, Optional<String> modelId,
            int optimizeIterations, OptionalInt optimizeHr, RestoreKeeper keeper) {
        Ingester ing = ingester().orElseThrow(() -> new IllegalStateException(
                "cannot ingest: no model is loaded (" + modelProblem.orElse("none configured") + ")"));
        AssetName name = ImageFiles.assetName(file);
        try (var control = newRunControl()) {
            // Outside the runner: the command line's ingest, and the demo's before serving starts, so alone unless
            // the runner has work, which then cannot narrow this run (it does not know of it).
            control.runAlone(runner.active() == 0);
            return ing.ingest(new Ingester.Request(name, Files.readAllBytes(file), target, modelId,
                    optimizeIterations, optimizeHr), control, keeper);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Each model run's memory share is at least this, when the budget allows: smaller shares would shrink the tiles
     * until their margins are most of the work, so a big host runs fewer, wider runs instead.
     */
    private static final long MIN_RUN_SHARE = 512L << 20;

    /**
     * Model runs at once: as configured, else one per core; but no more than the memory budget gives
     * {@link #MIN_RUN_SHARE} each (at least one run).
     */
    public static int concurrentRuns(IrisConfig config) {
        int configured = config.limits().modelThreads();
        int wanted = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
        long byMemory = Math.max(1, config.limits().modelMemoryBytes() / MIN_RUN_SHARE);
        return (int) Math.min(wanted, byMemory);
    }

    /**
     * Threads inside one run: as configured, else the cores shared among the concurrent runs, so that a full
     * pool keeps every core busy without oversubscribing them.
     */
    static int intraOpThreads(IrisConfig config) {
        int configured = config.models().threads();
        int cores = Runtime.getRuntime().availableProcessors();
        return configured > 0 ? configured : Math.max(1, cores / concurrentRuns(config));
    }

    /**
     * Threads inside one run while it is the only model work in progress (ModelRunner marks it): every core, unless
     * {@code models.threads} fixes the width. Measured in docs/BENCHMARKS.md: a lone x2 restore takes 0.56x the
     * wall time on two threads as on one, while two runs at once on two threads each lose 14% of their throughput
     * to oversubscription; narrowing each run to its share once a second starts keeps the second number and gains
     * the first.
     */
    static int aloneIntraOpThreads(IrisConfig config) {
        return config.models().threads() > 0 ? 0 : Runtime.getRuntime().availableProcessors();
    }

    /**
     * A control for one piece of model work on this app's sessions (its run options return ORT's arena memory after
     * each run); the caller closes it.
     */
    public RunControl newRunControl() {
        return ort.newRunControl(sessionOptions.runConfig());
    }

    @Override
    public IrisConfig config() {
        return config;
    }

    public OrtRuntime ort() {
        return ort;
    }

    public Optional<ModelRegistry> models() {
        return models;
    }

    /** Why no model is loaded, when serving LR-only. */
    public Optional<String> modelProblem() {
        return modelProblem;
    }

    @Override
    public AssetStore store() {
        return store;
    }

    /** Restored images shared through the store (or {@link RestoredTier#none()} when off). */
    public RestoredTier restoredTier() {
        return restoredTier;
    }


    /** Ingest on the calling thread, or empty when no model is loaded (LR-only mode cannot make new assets). */
    public Optional<Ingester> ingester() {
        return Optional.ofNullable(ingester);
    }

    @Override
    public Optional<IngestJobs> ingestJobs() {
        return Optional.ofNullable(ingestJobs);
    }

    public ModelRunner runner() {
        return runner;
    }

    /** The codec new LRs are stored with. */
    public LrCodec lrCodec() {
        return lrCodec;
    }

    AssetTotals assetTotals() {
        return assetTotals;
    }

    public ImageCaches caches() {
        return caches;
    }

    @Override
    public Renderer renderer() {
        return renderer;
    }

    @Override
    public Map<String, Object> health() {
        return Health.report(this, MemoryBudget.of(config));
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public String scrape() {
        return meters.scrape();
    }

    @Override
    public void close() {
        if (ingestJobs != null) {
            ingestJobs.close();
        }
        runner.close();
        restoredTier.close();
        bucket.ifPresent(S3Bucket::close);
        models.ifPresent(ModelRegistry::close);
        gcMetrics.close();
        meters.close();
    }
}
