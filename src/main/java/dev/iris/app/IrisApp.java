package dev.iris.app;

import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.IngestJobs;
import dev.iris.asset.Ingester;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.model.ModelException;
import dev.iris.model.ModelRegistry;
import dev.iris.model.ModelRunner;
import dev.iris.ort.ExecutionProvider;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RuntimeOptions;
import dev.iris.ort.SessionOptions;
import dev.iris.render.ImageCaches;
import dev.iris.render.Renderer;
import dev.iris.web.IrisServices;
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
    private final AssetStore store;
    private final Ingester ingester;
    private final IngestJobs ingestJobs;
    private final ModelRunner runner;
    private final ImageCaches caches;
    private final Renderer renderer;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private IrisApp(IrisConfig config, OrtRuntime ort, Optional<ModelRegistry> models, Optional<String> problem) {
        this.config = config;
        this.ort = ort;
        this.models = models;
        this.modelProblem = problem;
        this.store = AssetStore.inDirectory(config.assets().dir());
        this.ingester = models.map(m -> new Ingester(store, m,
                DecodeLimits.ofPixels(config.limits().maxSourcePixels()), Clock.systemUTC())).orElse(null);
        this.runner = new ModelRunner(ort, concurrentRuns(config), config.limits().queueLength(),
                config.limits().requestTimeout(), meters);
        this.ingestJobs = ingester == null ? null
                : new IngestJobs(ingester, store, runner, config.limits().ingestTimeout(),
                        // one thread always left to restores; large ingests also need ~1 GB of heap each
                        Math.max(1, concurrentRuns(config) - 1), config.limits().queueLength());
        this.caches = new ImageCaches(config.caches(), meters);
        this.renderer = new Renderer(store, models, runner, caches, config.serving(),
                config.limits().requestTimeout());
        bindStandardMetrics(meters);
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
        // Without ORT's arena the memory of a run is returned when it ends, so the budget is what runs hold at once;
        // with it the process would keep the peak of the largest run ever made.
        SessionOptions options = SessionOptions.defaults()
                .withCpuArena(false)
                .withIntraOpThreads(intraOpThreads(config))
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
            return new IrisApp(config, ort, Optional.empty(), Optional.of(e.getMessage()));
        }
        try {
            return new IrisApp(config, ort, Optional.of(registry), Optional.empty());
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
        Optional<String> demoNetwork = models.flatMap(m -> m.forScale(config.assets().demoScale()))
                .map(rescaler -> rescaler.pack().card().upSha256());
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.filter(ImageFiles::isImage)
                    .sorted()
                    .filter(f -> store.find(ImageFiles.assetName(f))
                            .filter(meta -> demoNetwork.map(meta.modelSha256()::equalsIgnoreCase).orElse(true))
                            .isEmpty())
                    .map(f -> {
                        ingestFile(f, config.assets().demoScale(), Optional.empty());
                        LOG.log(Level.INFO, "ingested demo image {0}", f.getFileName());
                        return ImageFiles.assetName(f).value();
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list demo images in " + dir.get(), e);
        }
    }

    /** As {@link #ingestFile(Path, int, Optional, int)}, without optimisation. */
    public dev.iris.asset.AssetMeta ingestFile(Path file, int scale, Optional<String> modelId) {
        return ingestFile(file, scale, modelId, 0);
    }

    /**
     * Ingests one image file under the name its file name gives, its LR optimised for {@code optimizeIterations}
     * (0: not), on the calling thread (the command line and the demo; HTTP ingests go through the model runner).
     *
     * @throws IllegalStateException if no model is loaded
     */
    public dev.iris.asset.AssetMeta ingestFile(Path file, int scale, Optional<String> modelId, int optimizeIterations) {
        Ingester ing = ingester().orElseThrow(() -> new IllegalStateException(
                "cannot ingest: no model is loaded (" + modelProblem.orElse("none configured") + ")"));
        AssetName name = ImageFiles.assetName(file);
        try (var control = ort.newRunControl()) {
            return ing.ingest(new Ingester.Request(name, Files.readAllBytes(file), scale, modelId, optimizeIterations),
                    control);
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
        models.ifPresent(ModelRegistry::close);
        gcMetrics.close();
        meters.close();
    }
}
