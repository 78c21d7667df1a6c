package dev.iris.asset;

import dev.iris.hash.Sha256;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ModelRegistry;
import dev.iris.model.Rescaler;
import dev.iris.ort.RunControl;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.DoubleConsumer;

/**
 * Turns an uploaded image into an asset: decode (orientation and colour normalised), run the learned downscale,
 * optimise the HR fed to it and the LR if asked (HCD,
 * {@link Rescaler#downscale(Rgb8Image, int, int, RunControl, java.util.function.DoubleConsumer)}), shrink any alpha plane conventionally, measure the round
 * trip, store, and hand the restore made to measure it to a {@link RestoreKeeper}. Thread-safe. Everything that can
 * fail (bad input, unknown model, model error, a cancelled or timed-out optimisation) fails before the store is
 * touched.
 */
public final class Ingester {
    private final AssetStore store;
    private final ModelRegistry models;
    private final DecodeLimits limits;
    private final Clock clock;
    private final int defaultHrIterations;

    /** An ingester whose optimised ingests run the LR stage only unless a request asks for the HR stage. */
    public Ingester(AssetStore store, ModelRegistry models, DecodeLimits limits, Clock clock) {
        this(store, models, limits, clock, 0);
    }

    /**
     * @param defaultHrIterations iterations of HCD's HR stage an optimised ingest gets when its request does not say
     *                            ({@code ingest.optimizeHrIterations}), where the model ships {@code hr_grad.onnx}
     */
    public Ingester(AssetStore store, ModelRegistry models, DecodeLimits limits, Clock clock, int defaultHrIterations) {
        this.store = store;
        this.models = models;
        this.limits = limits;
        this.clock = clock;
        this.defaultHrIterations = defaultHrIterations;
    }

    /** LR side of the window the round trip is measured on, for images larger than it. */
    static final int MEASURED_LR = 1024;

    /** Most optimisation iterations an ingest may ask for (each costs about a restore and its gradient). */
    public static final int MAX_OPTIMIZE_ITERATIONS = 200;

    /**
     * What to ingest: the bytes as uploaded, the scale, optionally a model id (else the default for the scale), how
     * many iterations of encode-time optimisation the LR gets (HCD's LR stage; 0: none), and how many its HR gets
     * first (the HR stage; empty: the ingester's default when the LR is optimised and the model can, else none).
     */
    public record Request(AssetName name, byte[] source, int scale, Optional<String> modelId, int optimizeIterations,
            OptionalInt optimizeHrIterations) {
        public Request {
            if (scale != 2 && scale != 4) {
                throw new IngestException("expected 2 or 4 for scale, got " + scale);
            }
            if (optimizeIterations < 0 || optimizeIterations > MAX_OPTIMIZE_ITERATIONS) {
                throw new IngestException("expected 0.." + MAX_OPTIMIZE_ITERATIONS + " optimize iterations, got "
                        + optimizeIterations);
            }
            if (optimizeHrIterations.orElse(0) < 0 || optimizeHrIterations.orElse(0) > MAX_OPTIMIZE_ITERATIONS) {
                throw new IngestException("expected 0.." + MAX_OPTIMIZE_ITERATIONS + " optimizeHr iterations, got "
                        + optimizeHrIterations.getAsInt());
            }
        }

        /** A request whose HR stage is the ingester's default. */
        public Request(AssetName name, byte[] source, int scale, Optional<String> modelId, int optimizeIterations) {
            this(name, source, scale, modelId, optimizeIterations, OptionalInt.empty());
        }

        /** A request without optimisation. */
        public Request(AssetName name, byte[] source, int scale, Optional<String> modelId) {
            this(name, source, scale, modelId, 0, OptionalInt.of(0));
        }
    }

    /**
     * The optimisation an ingest asks for, as typed ({@code optimize=} query parameter, {@code --optimize[=N]}):
     * {@code true} (or empty, as a bare flag) is {@code configured} iterations, {@code false} none, and a count
     * {@code 0..}{@value #MAX_OPTIMIZE_ITERATIONS} that many.
     *
     * @throws IngestException with a one-line reason quoting {@code text}
     */
    public static int parseOptimize(String text, int configured) {
        if (text.isEmpty() || text.equals("true")) {
            return configured;
        }
        if (text.equals("false")) {
            return 0;
        }
        if (text.matches("[0-9]{1,4}") && Integer.parseInt(text) <= MAX_OPTIMIZE_ITERATIONS) {
            return Integer.parseInt(text);
        }
        throw new IngestException("expected true, false or an iteration count 0.." + MAX_OPTIMIZE_ITERATIONS
                + " for optimize, got \"" + quote(text) + "\"");
    }

    /**
     * The HR-stage iterations an ingest asks for, as typed ({@code optimizeHr=} query parameter,
     * {@code --optimize-hr=N}): a count {@code 0..}{@value #MAX_OPTIMIZE_ITERATIONS}.
     *
     * @throws IngestException with a one-line reason quoting {@code text}
     */
    public static int parseOptimizeHr(String text) {
        if (text.matches("[0-9]{1,4}") && Integer.parseInt(text) <= MAX_OPTIMIZE_ITERATIONS) {
            return Integer.parseInt(text);
        }
        throw new IngestException("expected an iteration count 0.." + MAX_OPTIMIZE_ITERATIONS + " for optimizeHr, got \""
                + quote(text) + "\"");
    }

    private static String quote(String text) {
        return text.substring(0, Math.min(text.length(), 32)).replaceAll("[^ -~]|\"", "?");
    }

    /**
     * The scale an ingest asks for, as typed (command line, query parameter): the one place that says which scales
     * exist.
     *
     * @throws IngestException with a one-line reason quoting {@code text}
     */
    public static int parseScale(String text) {
        return switch (text) {
            case "2" -> 2;
            case "4" -> 4;
            default -> throw new IngestException("expected 2 or 4 for scale, got \"" + quote(text) + "\"");
        };
    }

    /**
     * Ingests {@code request} and returns the stored metadata; the restore made to measure it is dropped (see
     * {@link #ingest(Request, RunControl, RestoreKeeper)}).
     *
     * @throws IngestException        for a request that cannot be served (unknown model, scale without a model)
     * @throws dev.iris.image.ImageException for input that is not a usable image
     * @throws AssetException         if the store could not write; the previous version is intact
     */
    public AssetMeta ingest(Request request, RunControl control) {
        return ingest(request, control, RestoreKeeper.NONE);
    }

    /**
     * Ingests {@code request}, returns the stored metadata, and hands {@code keeper} the restore made to measure the
     * round trip when it covers the whole image: always for images whose LR fits the measuring window, and for
     * larger ones when {@code keeper} wants one that size (else only the window is restored). Failures as
     * {@link #ingest(Request, RunControl)}; nothing is kept unless the version was stored.
     */
    public AssetMeta ingest(Request request, RunControl control, RestoreKeeper keeper) {
        return ingest(request, control, keeper, fraction -> {});
    }

    /**
     * As {@link #ingest(Request, RunControl, RestoreKeeper)}, telling {@code progress} the fraction of the
     * optimisation done (both stages) (from 0 to 1, after each model run of it; never called without optimisation).
     *
     * @throws IngestException also when the request asks for optimisation and the model has no gradient graph
     */
    public AssetMeta ingest(Request request, RunControl control, RestoreKeeper keeper, DoubleConsumer progress) {
        Rescaler rescaler = chooseModel(request);
        int lrIterations = request.optimizeIterations();
        if (lrIterations > 0 && rescaler.optimizer().isEmpty()) {
            throw new IngestException("model " + rescaler.pack().id() + " cannot optimise: it ships no gradient graph "
                    + "(lr_grad.onnx)");
        }
        int hrIterations = request.optimizeHrIterations().orElse(
                lrIterations > 0 && rescaler.hrOptimizer().isPresent() ? defaultHrIterations : 0);
        if (hrIterations > 0 && rescaler.hrOptimizer().isEmpty()) {
            throw new IngestException("model " + rescaler.pack().id() + " cannot optimise its HR: it ships no "
                    + "hr_grad.onnx");
        }
        Rgb8Image hr = Decoder.decode(request.source(), limits);
        Rgb8Image rgbLr = rescaler.downscale(hr, hrIterations, lrIterations, control, progress);
        Rgb8Image lr = hr.hasAlpha()
                ? rgbLr.withAlpha(Resampler.resize(hr, rgbLr.width(), rgbLr.height(), Filter.AREA).alpha())
                : rgbLr;
        Window window = Window.centre(lr.width(), lr.height());
        Rgb8Image rgb = hr.withoutAlpha();
        Optional<Rgb8Image> whole = window.coversAll(lr) || keeper.wantsWhole(3L * hr.width() * hr.height())
                ? Optional.of(rescaler.restore(rgbLr, hr.width(), hr.height(), control))
                : Optional.empty();
        double psnr = whole.map(restored -> window.psnrY(rgb, restored, 0, 0, rescaler.scale()))
                .orElseGet(() -> windowPsnrY(rgb, rgbLr, window, rescaler, control));
        AssetMeta draft = new AssetMeta(request.name().value(), "", "", hr.width(), hr.height(), lr.width(),
                lr.height(), rescaler.scale(), rescaler.pack().id(), rescaler.pack().card().upSha256(),
                Sha256.hex(request.source()), hr.hasAlpha(), clock.instant(), psnr, OptionalLong.empty(),
                OptionalLong.of(request.source().length), lrIterations, hrIterations);
        AssetMeta stored = store.put(draft, lr);
        // lr is stored losslessly, alpha and all: the pixels a reader of this version gets
        whole.ifPresent(restored -> keep(keeper, stored, lr, restored));
        return stored;
    }

    private static void keep(RestoreKeeper keeper, AssetMeta stored, Rgb8Image lr, Rgb8Image restored) {
        try {
            keeper.keep(stored, lr, restored);
        } catch (RuntimeException e) { // the version is committed: a keeper's trouble must not report it failed
            System.getLogger(Ingester.class.getName()).log(System.Logger.Level.WARNING, "could not keep the "
                    + "restore of " + stored.name() + " made at ingest; its first large request restores it", e);
        }
    }

    /**
     * The part of the image the round trip is measured on, in LR pixels: the centre {@value #MEASURED_LR} pixels on
     * each side, or the whole LR when it is no larger. The window keeps a 50 MP ingest from costing a second
     * full-size model run only to measure it.
     */
    private record Window(int x0, int y0, int width, int height) {
        static Window centre(int lrWidth, int lrHeight) {
            int w = Math.min(MEASURED_LR, lrWidth), h = Math.min(MEASURED_LR, lrHeight);
            return new Window((lrWidth - w) / 2, (lrHeight - h) / 2, w, h);
        }

        boolean coversAll(Rgb8Image lr) {
            return width == lr.width() && height == lr.height();
        }

        /**
         * PSNR-Y of this window of {@code restored} against the same window of {@code hr}, where {@code restored}
         * starts at LR pixel ({@code atX}, {@code atY}) of the image; HR columns and rows past the original (the
         * LR's padding) are left out.
         */
        double psnrY(Rgb8Image hr, Rgb8Image restored, int atX, int atY, int s) {
            int hrW = Math.min(width * s, hr.width() - x0 * s), hrH = Math.min(height * s, hr.height() - y0 * s);
            return Ingester.psnrY(Resampler.crop(hr, x0 * s, y0 * s, hrW, hrH),
                    Resampler.crop(restored, (x0 - atX) * s, (y0 - atY) * s, hrW, hrH), s);
        }
    }

    /**
     * PSNR-Y of the model's restore of {@code window} alone, restored with the network's receptive radius as
     * context so that its pixels are those of a whole-image restore.
     */
    private static double windowPsnrY(Rgb8Image hr, Rgb8Image lr, Window window, Rescaler rescaler,
            RunControl control) {
        int s = rescaler.scale();
        int margin = rescaler.pack().card().receptiveRadiusLr().orElse(MEASURED_LR / 8);
        int cx0 = Math.max(0, window.x0() - margin), cy0 = Math.max(0, window.y0() - margin);
        int cx1 = Math.min(lr.width(), window.x0() + window.width() + margin);
        int cy1 = Math.min(lr.height(), window.y0() + window.height() + margin);
        Rgb8Image context = Resampler.crop(lr, cx0, cy0, cx1 - cx0, cy1 - cy0);
        Rgb8Image restored = rescaler.restore(context, context.width() * s, context.height() * s, control);
        return window.psnrY(hr, restored, cx0, cy0, s);
    }

    /** PSNR-Y with the usual border of one scale's width, narrowed for images too thin to leave anything inside. */
    private static double psnrY(Rgb8Image reference, Rgb8Image test, int scale) {
        return Quality.psnrY(reference, test, Math.min(scale, (Math.min(reference.width(), reference.height()) - 1) / 2));
    }

    private Rescaler chooseModel(Request request) {
        if (request.modelId().isPresent()) {
            Rescaler rescaler = models.byId(request.modelId().get()).orElseThrow(() -> new IngestException(
                    "unknown model " + request.modelId().get()));
            if (rescaler.scale() != request.scale()) {
                throw new IngestException("model " + rescaler.pack().id() + " is x" + rescaler.scale()
                        + ", not x" + request.scale());
            }
            return rescaler;
        }
        return models.forScale(request.scale()).orElseThrow(() -> new IngestException(
                "no model for scale " + request.scale()));
    }
}
