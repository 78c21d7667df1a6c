package dev.iris.web;

import dev.iris.asset.AssetName;
import dev.iris.asset.AssetStore;
import dev.iris.asset.FileAssetStore;
import dev.iris.asset.Ingester;
import dev.iris.config.IrisConfig;
import dev.iris.image.DecodeLimits;
import dev.iris.model.ModelException;
import dev.iris.model.ModelRegistry;
import dev.iris.ort.ExecutionProvider;
import dev.iris.ort.OrtRuntime;
import dev.iris.ort.RuntimeOptions;
import dev.iris.ort.SessionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * All of iris, assembled from its configuration: ONNX Runtime, the model packs, the asset store, ingest, the
 * model runner, caches and renderer. Thread-safe; one per server (embedded or WAR), closed on shutdown.
 */
public final class IrisApp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IrisApp.class.getName());

    private final IrisConfig config;
    private final OrtRuntime ort;
    private final Optional<ModelRegistry> models;
    private final Optional<String> modelProblem;
    private final AssetStore store;
    private final Ingester ingester;
    private final ModelRunner runner;
    private final ImageCaches caches;
    private final Renderer renderer;
    private final Metrics metrics = new Metrics();

    private IrisApp(IrisConfig config, OrtRuntime ort, Optional<ModelRegistry> models, Optional<String> problem) {
        this.config = config;
        this.ort = ort;
        this.models = models;
        this.modelProblem = problem;
        this.store = new FileAssetStore(config.assets().dir());
        this.ingester = models.map(m -> new Ingester(store, m, decodeLimits(config), Clock.systemUTC()))
                .orElse(null);
        this.runner = new ModelRunner(ort, concurrentRuns(config), config.limits().queueLength(),
                config.limits().requestTimeout(), metrics);
        this.caches = new ImageCaches(config.caches());
        this.renderer = new Renderer(store, models, runner, caches, config.serving(),
                config.limits().requestTimeout());
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
        SessionOptions options = SessionOptions.defaults()
                .withIntraOpThreads(intraOpThreads(config))
                .withProvider(m.cuda() ? ExecutionProvider.cuda(m.cudaDevice()) : ExecutionProvider.cpu());
        try {
            return new IrisApp(config, ort, Optional.of(ModelRegistry.load(ort, m.dir(), options, m.tileLr())), Optional.empty());
        } catch (ModelException | UncheckedIOException e) {
            if (!m.lrOnlyFallback()) {
                throw e;
            }
            LOG.log(Level.ERROR, "no model loaded, serving LR-only: {0}", e.getMessage());
            return new IrisApp(config, ort, Optional.empty(), Optional.of(e.getMessage()));
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
            return files.filter(f -> f.getFileName().toString().matches("(?i).+\\.(jpe?g|png|webp)"))
                    .sorted()
                    .filter(f -> store.find(AssetName.fromFileName(f.getFileName().toString()))
                            .filter(meta -> demoNetwork.map(meta.modelSha256()::equalsIgnoreCase).orElse(true))
                            .isEmpty())
                    .map(this::ingestDemo)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list demo images in " + dir.get(), e);
        }
    }

    private String ingestDemo(Path file) {
        AssetName name = AssetName.fromFileName(file.getFileName().toString());
        try (var control = ort.newRunControl()) {
            ingester.ingest(new Ingester.Request(name, Files.readAllBytes(file), config.assets().demoScale(),
                    Optional.empty()), control);
            LOG.log(Level.INFO, "ingested demo image {0}", file.getFileName());
            return name.value();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo image " + file, e);
        }
    }

    /** Model runs at once: as configured, else one per core. */
    static int concurrentRuns(IrisConfig config) {
        int configured = config.limits().modelThreads();
        return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
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

    private static DecodeLimits decodeLimits(IrisConfig config) {
        return new DecodeLimits(config.limits().maxSourcePixels(), 65_535);
    }

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

    public AssetStore store() {
        return store;
    }

    /** Ingest, or empty when no model is loaded (LR-only mode cannot make new assets). */
    public Optional<Ingester> ingester() {
        return Optional.ofNullable(ingester);
    }

    public ModelRunner runner() {
        return runner;
    }

    public ImageCaches caches() {
        return caches;
    }

    public Renderer renderer() {
        return renderer;
    }

    public Metrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        runner.close();
        models.ifPresent(ModelRegistry::close);
    }
}
