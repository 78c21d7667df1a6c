package dev.iris.render;

import dev.iris.asset.AssetMeta;
import dev.iris.asset.AssetStore;
import dev.iris.asset.RestoredTier;
import dev.iris.asset.RestoreKeeper;
import dev.iris.config.IrisConfig;
import dev.iris.image.Encoder;
import dev.iris.image.Filter;
import dev.iris.image.ImageFormat;
import dev.iris.image.ResizePlan;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.Futures;
import dev.iris.model.ModelRegistry;
import dev.iris.model.ModelRunner;
import dev.iris.model.RescaleModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders one asset version at one size: plan the size against the original, pick the pixels (the stored LR when
 * the output needs no more detail than it holds, otherwise the restored image: from the restored tier when any node
 * made it before, else from the model, which then offers it to the tier; for a crop of at most half the original
 * whose whole restore nobody has, the model restores only the part under the crop), resample, encode. Encoded
 * images and source pixels are cached and coalesced, so N concurrent cold requests for one asset run the model
 * once. Restores made elsewhere (at ingest) can be put into the cache and the tier, as a {@link RestoreKeeper}.
 * Thread-safe.
 */
public final class Renderer implements RestoreKeeper {
    private static final System.Logger LOG = System.getLogger(Renderer.class.getName());

    private final AssetStore store;
    private final RestoredTier tier;
    private final Optional<ModelRegistry> models;
    private final ModelRunner runner;
    private final ImageCaches caches;
    private final IrisConfig.Serving serving;
    private final Duration timeLimit;
    private final Counter provisionalAnswers;
    private final Counter partialRestores;
    /** Asset versions whose model is gone, each logged once rather than on every render. */
    private final Set<String> warnedOrphans = ConcurrentHashMap.newKeySet();

    public Renderer(AssetStore store, RestoredTier tier, Optional<ModelRegistry> models, ModelRunner runner,
            ImageCaches caches, IrisConfig.Serving serving, Duration timeLimit, MeterRegistry meters) {
        this.provisionalAnswers = Counter.builder("iris.render.provisional")
                .description("Answers from the LR resampled because the restore was not ready within "
                        + "serving.restoreWaitMs").register(meters);
        this.partialRestores = Counter.builder("iris.render.partial")
                .description("Restores of only the part of the original a crop reads").register(meters);
        this.store = store;
        this.tier = tier;
        this.models = models;
        this.runner = runner;
        this.caches = caches;
        this.serving = serving;
        this.timeLimit = timeLimit;
    }

    /**
     * The encoded image for {@code request} of the asset version {@code meta}, from the cache when it is there. With
     * {@code serving.restoreWaitMs} set, a request whose restore is not ready within that wait gets a provisional
     * answer instead (the LR resampled, never cached) while the restore goes on; a restore that cannot start (a full
     * queue) fails the request as without the setting.
     */
    public Rendition render(AssetMeta meta, ImageRequest request) {
        var key = new ImageCaches.RenderKey(meta.name(), meta.version(), request.canonical());
        if (serving.restoreWait().isPresent() && !caches.encoded.cache().asMap().containsKey(key)) {
            Optional<EncodedImage> early = provisional(meta, request, serving.restoreWait().get());
            if (early.isPresent()) {
                provisionalAnswers.increment();
                return new Rendition(early.get(), true);
            }
        }
        return new Rendition(await(caches.encoded.get(key, () -> renderUncached(meta, request)),
                "render of " + meta.name()), false);
    }

    /**
     * The LR resampled for {@code request} when it needs a restore that is not ready within {@code wait} (which goes
     * on in the background, cached when done), else empty: the request needs no restore or it arrived in time.
     */
    private Optional<EncodedImage> provisional(AssetMeta meta, ImageRequest request, Duration wait) {
        ResizePlan plan = plan(request, meta);
        Optional<RescaleModel> model = modelFor(meta);
        if (fitsInLr(plan, meta) || model.isEmpty()
                || Futures.within(restoredAsync(meta, model.get()), wait, "restore of " + meta.name()).isPresent()) {
            return Optional.empty();
        }
        Rgb8Image out = Resampler.render(lr(meta), planOnLr(plan, meta), RENDER_FILTER, serving.background());
        return Optional.of(encode(out, request.format(), request.quality()));
    }

    /** Provisional answers given so far, for health. */
    public long provisionalAnswers() {
        return (long) provisionalAnswers.count();
    }

    /** Restores of a crop's part only so far, for health. */
    public long partialRestores() {
        return (long) partialRestores.count();
    }

    /** The request, step by step. */
    private EncodedImage renderUncached(AssetMeta meta, ImageRequest request) {
        ResizePlan plan = plan(request, meta);
        Pixels source = pixelsFor(plan, meta);
        Rgb8Image out = Resampler.renderPart(source.image(), source.x(), source.y(), source.fullWidth(),
                source.fullHeight(), source.plan(), RENDER_FILTER, serving.background());
        return encode(out, request.format(), request.quality());
    }

    private static final Filter RENDER_FILTER = Filter.LANCZOS3;

    /**
     * The stored LR enlarged back to the original size with plain bicubic, as PNG: what the model's restore is
     * compared against on the demo page.
     */
    public EncodedImage bicubicBaseline(AssetMeta meta) {
        var key = new ImageCaches.RenderKey(meta.name(), meta.version(), "baseline=bicubic");
        return await(caches.encoded.get(key, () -> {
            Rgb8Image up = enlarged(lr(meta), meta, Filter.BICUBIC);
            return encode(up, ImageFormat.PNG, 100);
        }), "baseline of " + meta.name());
    }

    /** The plan for {@code request} against the original size. */
    ResizePlan plan(ImageRequest request, AssetMeta meta) {
        return ResizePlan.of(meta.width(), meta.height(), request.width(), request.height(), request.fit(),
                serving.enlarge());
    }

    /**
     * Source pixels and the plan that turns them into the output: {@code image} holds the pixels from
     * ({@code x}, {@code y}) of the {@code fullWidth x fullHeight} image the plan was made for (all of it, or the part
     * a crop reads).
     */
    record Pixels(Rgb8Image image, int x, int y, int fullWidth, int fullHeight, ResizePlan plan) {
        Pixels(Rgb8Image whole, ResizePlan plan) {
            this(whole, 0, 0, whole.width(), whole.height(), plan);
        }
    }

    /**
     * The LR (with {@code plan} moved onto it) when the output fits in it or no model can restore it; else the
     * restore of the part of the original a crop reads when that is worth it ({@link #partToRestore}); else the
     * model's restore at the original size.
     */
    private Pixels pixelsFor(ResizePlan plan, AssetMeta meta) {
        Optional<RescaleModel> model = modelFor(meta);
        if (fitsInLr(plan, meta) || model.isEmpty()) {
            return new Pixels(lr(meta), planOnLr(plan, meta));
        }
        Optional<RescaleModel.Region> part = partToRestore(plan, meta);
        if (part.isPresent()) {
            RescaleModel.Region r = part.get();
            return new Pixels(restoredPart(meta, model.get(), r), r.x(), r.y(), meta.width(), meta.height(), plan);
        }
        return new Pixels(restored(meta, model.get()), plan);
    }

    /**
     * The part of the original to restore alone for {@code plan}: the source pixels its crop reads, when they are at
     * most {@code 1 / }{@value #PART_SHARE} of the original and no whole restore is cached, in flight or in the
     * restored tier (one found there is cached and used instead). Why half: a part restore is not kept, so a second
     * crop of the same asset pays again; below half, two crops still cost no more than the whole restore that would
     * have served both, and a banner or a square thumbnail of a wide photo is far below it.
     */
    private Optional<RescaleModel.Region> partToRestore(ResizePlan plan, AssetMeta meta) {
        int[] w = Resampler.sourceWindow(meta.width(), meta.height(), plan, RENDER_FILTER);
        if ((long) w[2] * w[3] * PART_SHARE > (long) meta.width() * meta.height()
                || caches.sources.ifPresent(hrKey(meta)).isPresent()) {
            return Optional.empty();
        }
        Optional<Rgb8Image> kept = tier.find(meta);
        if (kept.isPresent()) {
            caches.sources.put(hrKey(meta), kept.get());
            return Optional.empty();
        }
        return Optional.of(new RescaleModel.Region(w[0], w[1], w[2], w[3]));
    }

    private static final int PART_SHARE = 2;

    /** Whether the output needs no more detail than the LR holds: the resize shrinks by at least the scale. */
    static boolean fitsInLr(ResizePlan plan, AssetMeta meta) {
        return plan.resizeWidth() * meta.scale().x() <= meta.width()
                && plan.resizeHeight() * meta.scale().y() <= meta.height();
    }

    /**
     * {@code plan} (made against the original size) for the LR instead. A fixed-scale LR covers the original padded
     * up to a multiple of the scale, so it is resized a little larger and the crop drops the padding; an
     * arbitrary-scale LR covers the original exactly ({@code lrWidth * scale.x == width}).
     */
    static ResizePlan planOnLr(ResizePlan plan, AssetMeta meta) {
        int width = (int) Math.round(plan.resizeWidth() * meta.lrWidth() * meta.scale().x() / meta.width());
        int height = (int) Math.round(plan.resizeHeight() * meta.lrHeight() * meta.scale().y() / meta.height());
        return new ResizePlan(Math.max(width, plan.resizeWidth()), Math.max(height, plan.resizeHeight()),
                plan.cropX(), plan.cropY(), plan.cropWidth(), plan.cropHeight(), plan.padX(), plan.padY(),
                plan.outWidth(), plan.outHeight());
    }

    /**
     * The model that made this asset's LR, if loaded and unchanged since (the SHA-256 of up.onnx its metadata names,
     * or one the loaded graph has the same function as).
     */
    private Optional<RescaleModel> modelFor(AssetMeta meta) {
        Optional<RescaleModel> model = models.flatMap(m -> m.byId(meta.modelId()))
                .filter(r -> r.pack().card().restoresFor(meta.modelSha256()));
        if (model.isEmpty() && models.isPresent() && warnedOrphans.add(meta.name() + "@" + meta.version())) {
            LOG.log(Level.WARNING, "asset {0} was made by model {1} ({2}), which is not loaded: serving its LR "
                    + "resampled conventionally", meta.name(), meta.modelId(), meta.modelSha256());
        }
        return model;
    }

    private Rgb8Image lr(AssetMeta meta) {
        var key = new ImageCaches.SourceKey(meta.name(), meta.version(), ImageCaches.Kind.LR);
        return await(caches.sources.get(key, () -> store.read(meta).lr()), "read of " + meta.name());
    }

    private Rgb8Image restored(AssetMeta meta, RescaleModel model) {
        return await(restoredAsync(meta, model), "restore of " + meta.name());
    }

    /** The restore at the original size: cached, in flight, or started now. */
    private CompletableFuture<Rgb8Image> restoredAsync(AssetMeta meta, RescaleModel model) {
        return caches.sources.getAsync(hrKey(meta), () -> {
            Optional<Rgb8Image> kept = tier.find(meta); // restored before, by this node or another
            if (kept.isPresent()) {
                return CompletableFuture.completedFuture(kept.get());
            }
            Rgb8Image lr = lr(meta); // only on a miss: a cached restore needs no LR
            CompletableFuture<Rgb8Image> run = runner.submit("restore of " + meta.name(), control -> {
                Rgb8Image hr = model.restore(lr.withoutAlpha(), meta.width(), meta.height(), control);
                return lr.hasAlpha() ? hr.withAlpha(upscaledAlpha(lr, meta)) : hr;
            });
            run.thenAccept(hr -> tier.offer(meta, hr));
            return run;
        });
    }

    /** The pixels of {@code part} of the original, restored alone (not cached: the rendered output is). */
    private Rgb8Image restoredPart(AssetMeta meta, RescaleModel model, RescaleModel.Region part) {
        Rgb8Image lr = lr(meta);
        partialRestores.increment();
        return await(runner.submit("restore of part of " + meta.name(), control -> {
            Rgb8Image hr = model.restore(lr.withoutAlpha(), meta.width(), meta.height(), part, control);
            return lr.hasAlpha() ? hr.withAlpha(enlargedPart(lr, meta, part).alpha()) : hr;
        }), "restore of " + meta.name());
    }

    private static ImageCaches.SourceKey hrKey(AssetMeta meta) {
        return new ImageCaches.SourceKey(meta.name(), meta.version(), ImageCaches.Kind.HR);
    }

    /**
     * Whether a restore of {@code restoredBytes} is worth making whole at ingest to keep here: when it takes at most
     * {@code 1 / }{@value #KEPT_SHARE} of the source cache. A larger one would displace much of what requests use,
     * for an asset nobody may ask for large before it is evicted.
     */
    @Override
    public boolean wantsWhole(long restoredBytes) {
        return restoredBytes <= caches.sourceMaxBytes() / KEPT_SHARE;
    }

    private static final int KEPT_SHARE = 8;

    /**
     * Caches {@code lr} and {@code restored} (with {@code lr}'s alpha plane upscaled onto it, as a request's restore
     * has it) as the source pixels of the version {@code stored}, so that its first request runs no model. They enter
     * the cache like any other entry, and Caffeine's frequency-based admission (W-TinyLFU) keeps entries requests
     * use often over newcomers used never, so a burst of ingests of images nobody asks for mostly displaces itself.
     */
    @Override
    public void keep(AssetMeta stored, Rgb8Image lr, Rgb8Image restored) {
        caches.sources.put(new ImageCaches.SourceKey(stored.name(), stored.version(), ImageCaches.Kind.LR), lr);
        Rgb8Image hr = lr.hasAlpha() ? restored.withAlpha(upscaledAlpha(lr, stored)) : restored;
        caches.sources.put(hrKey(stored), hr);
        tier.offer(stored, hr);
    }

    /** The alpha plane, upscaled conventionally (it never goes through the model) and cropped to the original. */
    private static byte[] upscaledAlpha(Rgb8Image lr, AssetMeta meta) {
        return enlarged(lr, meta, Filter.LANCZOS3).alpha();
    }

    /** The LR enlarged by its scale with {@code filter}, cropped to the original (padding dropped). */
    private static Rgb8Image enlarged(Rgb8Image lr, AssetMeta meta, Filter filter) {
        int[] size = enlargedSize(lr, meta);
        Rgb8Image up = Resampler.resize(lr, size[0], size[1], filter);
        return up.width() == meta.width() && up.height() == meta.height() ? up
                : Resampler.crop(up, 0, 0, meta.width(), meta.height());
    }

    /** {@code part} of {@link #enlarged} with Lanczos-3, computed for that part alone. */
    private static Rgb8Image enlargedPart(Rgb8Image lr, AssetMeta meta, RescaleModel.Region part) {
        int[] size = enlargedSize(lr, meta);
        return Resampler.resizeRegion(lr, 0, 0, lr.width(), lr.height(), size[0], size[1], Filter.LANCZOS3,
                part.x(), part.y(), part.width(), part.height());
    }

    /** The LR's size times its scale, at least the original's (the padding to drop). */
    private static int[] enlargedSize(Rgb8Image lr, AssetMeta meta) {
        int w = (int) Math.round(lr.width() * meta.scale().x()), h = (int) Math.round(lr.height() * meta.scale().y());
        return new int[] {Math.max(w, meta.width()), Math.max(h, meta.height())};
    }

    private static EncodedImage encode(Rgb8Image image, ImageFormat format, int quality) {
        return new EncodedImage(Encoder.encode(image, format, quality), format, image.width(), image.height());
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return Futures.await(future, timeLimit.plusSeconds(1), what, Duration.ofSeconds(2));
    }
}
