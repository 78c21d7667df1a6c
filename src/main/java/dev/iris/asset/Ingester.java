package dev.iris.asset;

import dev.iris.hash.Sha256;
import dev.iris.image.DecodeLimits;
import dev.iris.image.Decoder;
import dev.iris.image.Filter;
import dev.iris.image.Quality;
import dev.iris.image.Resampler;
import dev.iris.image.Rgb8Image;
import dev.iris.model.ArbitraryRescaler;
import dev.iris.model.LrOptimizer;
import dev.iris.model.ModelRegistry;
import dev.iris.model.RescaleModel;
import dev.iris.model.Rescaler;
import dev.iris.model.Scale;
import dev.iris.ort.RunControl;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.DoubleConsumer;

/**
 * Turns an uploaded image into an asset: decode (orientation and colour normalised), run the learned downscale
 * (optimised at encode time if asked, HCD: {@link LrOptimizer}), shrink any alpha plane conventionally, measure the
 * round trip (through the lossy codec a compression-aware model was trained for, which then stores it), store, and
 * hand the restore made to measure it to a {@link RestoreKeeper}. Thread-safe. Everything that can fail (bad input,
 * unknown model, model error, a cancelled or timed-out optimisation) fails before the store is touched.
 */
public final class Ingester {
    private final AssetStore store;
    private final ModelRegistry models;
    private final DecodeLimits limits;
    private final Clock clock;
    private final int defaultHrIterations;

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
     * What to ingest: the bytes as uploaded, the LR asked for, optionally a model id (else the default for the
     * scale), how many iterations of encode-time optimisation the LR gets (HCD's LR stage; 0: none), and how many its
     * HR gets first (the HR stage; empty: the ingester's default when the LR is optimised and the model can, else
     * none).
     */
    public record Request(AssetName name, byte[] source, LrTarget target, Optional<String> modelId,
            int optimizeIterations, OptionalInt optimizeHrIterations) {
        public Request {
            if (optimizeIterations < 0 || optimizeIterations > MAX_OPTIMIZE_ITERATIONS) {
                throw new IngestException("expected 0.." + MAX_OPTIMIZE_ITERATIONS + " optimize iterations, got "
                        + optimizeIterations);
            }
            if (optimizeHrIterations.orElse(0) < 0 || optimizeHrIterations.orElse(0) > MAX_OPTIMIZE_ITERATIONS) {
                throw new IngestException("expected 0.." + MAX_OPTIMIZE_ITERATIONS + " optimizeHr iterations, got "
                        + optimizeHrIterations.getAsInt());
            }
        }

        /** A request at a fixed integer scale whose HR stage is the ingester's default. */
        public Request(AssetName name, byte[] source, int scale, Optional<String> modelId, int optimizeIterations) {
            this(name, source, new LrTarget.Factors(Scale.uniform(scale)), modelId, optimizeIterations,
                    OptionalInt.empty());
        }

        /** A request without optimisation. */
        public Request(AssetName name, byte[] source, LrTarget target, Optional<String> modelId) {
            this(name, source, target, modelId, 0, OptionalInt.of(0));
        }

        /** A request at a fixed integer scale without optimisation. */
        public Request(AssetName name, byte[] source, int scale, Optional<String> modelId) {
            this(name, source, new LrTarget.Factors(Scale.uniform(scale)), modelId);
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
                + " for optimize, got " + IngestException.quoted(text));
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
        throw new IngestException("expected an iteration count 0.." + MAX_OPTIMIZE_ITERATIONS + " for optimizeHr, got "
                + IngestException.quoted(text));
    }

    /** The model an ingest runs, the LR it makes, and the encode-time optimisation it gets (HCD's two stages). */
    private record Plan(RescaleModel model, int lrWidth, int lrHeight, int lrIterations, int hrIterations) {}

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
        request.modelId().ifPresent(this::model); // an unknown model fails before the decode
        Rgb8Image hr = Decoder.decode(request.source(), limits);
        Plan plan = plan(request, hr.width(), hr.height());
        RescaleModel model = plan.model();
        Rgb8Image rgbLr = switch (model) {
            case Rescaler irn -> irn.downscale(hr, plan.hrIterations(), plan.lrIterations(), control, progress);
            case ArbitraryRescaler any -> any.downscale(hr, plan.lrWidth(), plan.lrHeight(), control);
        };
        Rgb8Image lr = hr.hasAlpha()
                ? rgbLr.withAlpha(Resampler.resize(hr, rgbLr.width(), rgbLr.height(), Filter.AREA).alpha())
                : rgbLr;
        // A compression-aware model's version holds what its codec decodes the LR to, so that is what the round
        // trip is measured on and the kept restore made from (the store encodes it again, to the same bytes).
        Optional<LrCodec> trainedFor = model.pack().card().lrCodec().map(LrCodec::of);
        Rgb8Image held = trainedFor.map(c -> c.stored(lr)).orElse(lr);
        Scale scale = model.scaleOf(hr.width(), hr.height(), lr.width(), lr.height());
        RescaleModel.Region window = measuredWindow(hr.width(), hr.height(), scale);
        boolean whole = window.width() == hr.width() && window.height() == hr.height()
                || keeper.wantsWhole(3L * hr.width() * hr.height());
        Rgb8Image restored = model.restore(held.withoutAlpha(), hr.width(), hr.height(),
                whole ? RescaleModel.Region.all(hr.width(), hr.height()) : window, control);
        Rgb8Image original = hr.withoutAlpha();
        double psnr = psnrY(crop(original, window), whole ? crop(restored, window) : restored, scale);
        AssetMeta draft = new AssetMeta(request.name().value(), "", "", hr.width(), hr.height(), lr.width(),
                lr.height(), scale, model.pack().id(), model.pack().card().upSha256(),
                Sha256.hex(request.source()), hr.hasAlpha(), clock.instant(), psnr, OptionalLong.empty(),
                OptionalLong.of(request.source().length), plan.lrIterations(), plan.hrIterations());
        AssetMeta stored = trainedFor.map(codec -> store.put(draft, lr, codec)).orElseGet(() -> store.put(draft, lr));
        if (whole) {
            keep(keeper, stored, held, restored); // held: the pixels a reader of this version gets, alpha and all
        }
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
     * The part of the original the round trip is measured on: the centre {@value #MEASURED_LR} LR pixels' worth on
     * each side, or all of it when it is no larger. The window keeps a 50 MP ingest from costing a second full-size
     * model run only to measure it.
     */
    static RescaleModel.Region measuredWindow(int width, int height, Scale scale) {
        int w = (int) Math.min(width, Math.round(MEASURED_LR * scale.x()));
        int h = (int) Math.min(height, Math.round(MEASURED_LR * scale.y()));
        return new RescaleModel.Region((width - w) / 2, (height - h) / 2, w, h);
    }

    private static Rgb8Image crop(Rgb8Image image, RescaleModel.Region r) {
        return r.width() == image.width() && r.height() == image.height() ? image
                : Resampler.crop(image, r.x(), r.y(), r.width(), r.height());
    }

    /**
     * PSNR-Y with the usual border of the scale's width (rounded up), narrowed for images too thin to leave anything
     * inside.
     */
    private static double psnrY(Rgb8Image reference, Rgb8Image test, Scale scale) {
        int border = (int) Math.ceil(Math.max(scale.x(), scale.y()));
        return Quality.psnrY(reference, test, Math.min(border, (Math.min(reference.width(), reference.height()) - 1) / 2));
    }

    private RescaleModel model(String id) {
        return models.byId(id).orElseThrow(() -> new IngestException("unknown model " + id));
    }

    /** The model and LR size for {@code request} on a {@code width x height} original. */
    private Plan plan(Request request, int width, int height) {
        Scale scale = switch (request.target()) {
            case LrTarget.Factors f -> f.scale();
            case LrTarget.Width w -> w.scaleFor(width);
        };
        RescaleModel model = request.modelId().map(this::model)
                .orElseGet(() -> models.forScale(scale).orElseThrow(() -> new IngestException(
                        "no model loaded makes scale " + scale)));
        if (!model.makes(scale)) {
            throw new IngestException("model " + model.pack().id() + " makes scale " + model.scales() + ", not "
                    + scale);
        }
        int[] size = model.lrSize(width, height, scale);
        if (request.target() instanceof LrTarget.Width w) {
            size[0] = w.lrWidth(); // exactly as asked; the scale above came from it
        }
        int lrIterations = request.optimizeIterations();
        Optional<Rescaler> optimizable = model instanceof Rescaler irn ? Optional.of(irn) : Optional.empty();
        if (lrIterations > 0 && optimizable.flatMap(Rescaler::optimizer).isEmpty()) {
            throw new IngestException("model " + model.pack().id() + " cannot optimise: it ships no gradient graph "
                    + "(lr_grad.onnx)");
        }
        boolean hrStage = optimizable.flatMap(Rescaler::hrOptimizer).isPresent();
        int hrIterations = request.optimizeHrIterations().orElse(lrIterations > 0 && hrStage ? defaultHrIterations : 0);
        if (hrIterations > 0 && !hrStage) {
            throw new IngestException("model " + model.pack().id() + " cannot optimise its HR: it ships no "
                    + "hr_grad.onnx");
        }
        return new Plan(model, size[0], size[1], lrIterations, hrIterations);
    }
}
